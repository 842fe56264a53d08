"""Vocabulary of gift and homeware catalogues (Online Retail II style titles): product types, patterns, themes.

Each product line is ``group | singular | plural | other spellings ...``; the singular is the
canonical name. Groups name the shelf a product sits on; they are the broad category level of
attributes extracted from a title and the generic article words of the guard. Materials, patterns,
motifs, themes and sizes are plain word lists (several spellings per line, the first canonical).
Chinese names for all of these live in ``zh_terms``.
"""

from __future__ import annotations

GROUP_NAMES: dict[str, str] = {
    "lighting": "Lighting",
    "kitchen": "Kitchen & Dining",
    "decor": "Home Decor",
    "party": "Party & Gifts",
    "stationery": "Stationery",
    "bags": "Bags",
    "jewellery": "Jewellery",
    "toys": "Toys & Games",
    "bath": "Bath",
    "garden": "Garden",
    "accessories": "Accessories",
    "storage": "Storage",
    "textiles": "Home Textiles",
}

_PRODUCT_TABLE = """
lighting | t-light holder | t-light holders | tlight holder | tealight holder | tea light holder
lighting | candle holder | candle holders | candleholder | candleholders | candlestand | candlestands
lighting | candlestick | candlesticks
lighting | lantern | lanterns
lighting | lamp | lamps
lighting | lampshade | lampshades | lamp shade
lighting | night light | night lights
lighting | string lights | string lights | fairy lights | light chain | lights
lighting | candle | candles | pillar candle | pillar candles | votive candle | votive candles
lighting | incense | incense | incense sticks | incense cones
lighting | candle pot | candle pots | candlepot | candlepots
lighting | matches | matches
lighting | oil burner | oil burners
kitchen | mug | mugs | coffee mug | coffee mugs
kitchen | cup and saucer | cups and saucers | cup & saucer | teacup and saucer
kitchen | teacup | teacups | tea cup | tea cups
kitchen | cup | cups
kitchen | teapot | teapots | tea pot
kitchen | jug | jugs | milk jug
kitchen | bowl | bowls | fruit bowl | fruitbowl | sugar bowl
kitchen | dish | dishes | sundae dish | butter dish | soap dish
kitchen | plate | plates | dinner plate | side plate | cake plate | candle plate | platter | platters
kitchen | cake stand | cake stands | cakestand | cakestands
kitchen | tray | trays | tea tray
kitchen | cutlery | cutlery | cutlery set
kitchen | spoon | spoons | teaspoon | teaspoons | measuring spoons
kitchen | chopsticks | chopsticks
kitchen | apron | aprons
kitchen | oven glove | oven gloves
kitchen | tea towel | tea towels
kitchen | spice tin | spice tins
kitchen | cake tin | cake tins | biscuit tin | biscuit tins
kitchen | storage jar | storage jars | jam jar | jar | jars
kitchen | water bottle | water bottles | bottle | bottles | drinks bottle
kitchen | lunch box | lunch boxes | lunchbox | lunchboxes
kitchen | lunch bag | lunch bags | lunchbag | lunchbags
kitchen | cake cases | cake cases | fairy cake cases | cupcake cases | baking cases
kitchen | baking set | baking sets
kitchen | baking mould | baking moulds | jelly mould | jelly moulds | chocolate mould
kitchen | cookie cutter | cookie cutters | biscuit cutters
kitchen | chopping board | chopping boards | cheese board
kitchen | egg cup | egg cups
kitchen | coaster | coasters
kitchen | placemat | placemats | place mat | place mats
kitchen | napkins | napkins | napkin | paper napkins
kitchen | doilies | doilies | doily
kitchen | food cover | food covers | foodcover | foodcovers
kitchen | bread bin | bread bins
kitchen | frying pan | frying pans
kitchen | kitchen scales | kitchen scales | scales
kitchen | washing up gloves | washing up gloves
kitchen | glass | glasses | tumbler | tumblers | wine glass | wine glasses
kitchen | milk pan | milk pans | saucepan
kitchen | toast rack | toast racks | toastrack
kitchen | beaker | beakers
kitchen | baby bib | baby bibs | bib | bibs
kitchen | straws | straws | paper straws
kitchen | picnic basket | picnic baskets | picnic set
kitchen | salad servers | salad servers
kitchen | recipe box | recipe boxes
kitchen | snack box | snack boxes | snack boxes
decor | hanging decoration | hanging decorations | hanging ornament | hanging ornaments
decor | decoration | decorations | ornament | ornaments
decor | bauble | baubles
decor | garland | garlands
decor | wreath | wreaths
decor | bunting | bunting
decor | sign | signs | metal sign | metal signs | door sign | door signs
decor | wall clock | wall clocks
decor | alarm clock | alarm clocks
decor | clock | clocks
decor | mirror | mirrors
decor | photo frame | photo frames | picture frame | picture frames | frame | frames
decor | vase | vases
decor | trinket box | trinket boxes
decor | trinket dish | trinket dishes
decor | jewellery box | jewellery boxes
decor | cushion cover | cushion covers
decor | cushion | cushions
decor | doormat | doormats | door mat | door mats
decor | doorstop | doorstops | door stop
decor | wall art | wall art | wall hanging
decor | tile | tiles | number tile | number tiles | wall tile
decor | magnet | magnets | fridge magnet | fridge magnets
decor | hook | hooks | coat hook | coat hooks | coat rack
decor | hanger | hangers | coat hanger | coat hangers
decor | key ring | key rings | keyring | keyrings
decor | windmill | windmills
decor | mobile | mobiles
decor | christmas tree | christmas trees
decor | snow globe | snow globes
decor | paperweight | paperweights
decor | door knob | door knobs | drawer knob | drawer knobs | knob | knobs
decor | birdhouse | birdhouses | bird house | bird houses
decor | feather tree | feather trees
decor | bell | bells
decor | stocking | stockings | christmas stocking
decor | easter egg | easter eggs | hanging egg | hanging eggs
decor | magazine rack | magazine racks
decor | flowers | flowers | artificial flowers | paper flowers | flower stem | artificial flower
textiles | quilt | quilts
textiles | throw | throws | blanket | blankets
textiles | hot water bottle | hot water bottles
textiles | hand warmer | hand warmers
textiles | curtain | curtains
textiles | towel | towels | hand towel | bath towel
textiles | tissues | tissues | tissue box | tissue boxes | tissue ream | pocket tissues
storage | storage box | storage boxes | storage cube | storage cubes
storage | food container | food containers | container | containers
decor | jewellery stand | jewellery stands
storage | chest of drawers | chests of drawers | drawers
storage | cabinet | cabinets
storage | shelf | shelves
storage | basket | baskets
storage | storage bin | storage bins | bin | bins
storage | box | boxes | gift box | gift boxes | pop box
storage | organiser | organisers | desk organiser | desk tidy
storage | tin | tins
storage | bucket | buckets
storage | table | tables | folding table | side table
storage | stool | stools | folding stool
storage | chair | chairs | folding chair
garden | planter | planters | plant pot | plant pots | flower pot | flower pots | pot | pots
garden | watering can | watering cans
garden | trowel | trowels
garden | kneeling pad | kneeling pads
garden | parasol | parasols
garden | bird feeder | bird feeders
garden | hammock | hammocks
garden | seed packet | seed packets | seed kit
garden | herb marker | herb markers | plant marker | plant markers
garden | pegs | pegs | clothes pegs
garden | thermometer | thermometers
party | balloons | balloons | balloon
party | party bag | party bags
party | party cups | party cups | paper cups
party | paper plates | paper plates | party plates
party | banner | banners
party | greeting card | greeting cards | birthday card | birthday cards | christmas card | christmas cards
party | card | cards
party | gift wrap | gift wraps | wrapping paper | wrap
party | gift bag | gift bags
party | gift tag | gift tags | tags
party | ribbon | ribbons | ribbon reel | ribbon reels
party | confetti | confetti
party | invitations | invitations | invites | party invites
party | party hats | party hats
party | crackers | crackers | christmas crackers
party | advent calendar | advent calendars
party | calendar | calendars
party | stickers | stickers | sticker sheet | sticker sheets | sticker
party | candle set | candle sets | birthday candles | cake candles
stationery | notebook | notebooks | note book
stationery | pen | pens
stationery | pencil | pencils | colouring pencils
stationery | pencil case | pencil cases
stationery | eraser | erasers
stationery | sketchbook | sketchbooks
stationery | journal | journals
stationery | memo board | memo boards | chalkboard | chalkboards
stationery | photo album | photo albums | album | albums
stationery | writing set | writing sets | stationery set | stationery
stationery | stamp set | stamp sets | stamps
stationery | ruler | rulers
stationery | passport cover | passport covers
stationery | luggage tag | luggage tags
stationery | address book | address books
stationery | note pad | note pads | notepad | notepads | memo pad | pad
stationery | book | books
stationery | calculator | calculators
stationery | bookmark | bookmarks
stationery | tape | tapes | washi tape
bags | shopper bag | shopper bags | shopping bag | shopping bags | shopper | shoppers
bags | tote bag | tote bags | tote | totes
bags | jumbo bag | jumbo bags
bags | handbag | handbags
bags | purse | purses
bags | wash bag | wash bags | washbag | washbags
bags | cosmetic bag | cosmetic bags | make up bag | makeup bag
bags | shoulder bag | shoulder bags
bags | backpack | backpacks | rucksack | rucksacks
bags | bag | bags
jewellery | necklace | necklaces | neckl | choker | chokers
jewellery | bracelet | bracelets | braclet
jewellery | earrings | earrings
jewellery | ring | rings
jewellery | brooch | brooches
jewellery | hair clip | hair clips | hair grip | hair grips | hair slide | hair slides | hairslide | hairslides
jewellery | pendant | pendants
jewellery | charm | charms | bag charm | bag charms
jewellery | bangle | bangles
jewellery | hair band | hair bands | headband | headbands | hair tie | hair ties
toys | doll | dolls | rag doll
toys | jigsaw | jigsaws | jigsaw puzzle | puzzle | puzzles
toys | dominoes | dominoes | domino set
toys | game | games | ludo | board game | rounders set | garden game
toys | toy | toys | soft toy | soft toys
toys | teddy bear | teddy bears | teddy
toys | puppet | puppets | finger puppet | finger puppets
toys | spinning top | spinning tops
toys | skipping rope | skipping ropes
toys | temporary tattoos | temporary tattoos | tattoos | transfer tattoos
toys | torch | torches
toys | kite | kites
toys | play house | play houses | playhouse
toys | building blocks | building blocks | blocks
toys | craft kit | craft kits | card kit | card kits | sewing kit | sewing kits | knitting kit | kit
toys | colouring book | colouring books | sticker book
toys | money bank | money banks | piggy bank | piggy banks | money box | money boxes
bath | soap | soaps
bath | bath salts | bath salts
bath | sponge | sponges
bath | plasters | plasters
bath | first aid kit | first aid kits
accessories | umbrella | umbrellas
accessories | scarf | scarves
accessories | gloves | gloves
accessories | hat | hats
accessories | headphones | headphones
accessories | ear muffs | ear muffs
accessories | fan | fans | hand fan
accessories | compact mirror | compact mirrors
accessories | key fob | key fobs
accessories | phone charm | phone charms
accessories | sunglasses case | sunglasses cases
"""


def _parse_products(table: str) -> dict[str, tuple[str, str, tuple[str, ...]]]:
    """canonical -> (group, plural, all spellings)."""
    out: dict[str, tuple[str, str, tuple[str, ...]]] = {}
    for line in table.strip().splitlines():
        group, singular, plural, *others = (p.strip() for p in line.split("|"))
        out[singular] = (group, plural, tuple(dict.fromkeys((singular, plural, *others))))
    return out


PRODUCT_TYPES: dict[str, tuple[str, str, tuple[str, ...]]] = _parse_products(_PRODUCT_TABLE)
# spelling -> canonical (a spelling listed twice keeps the first product)
PRODUCT_SPELLINGS: dict[str, str] = {}
for _canonical, (_group, _plural, _spellings) in PRODUCT_TYPES.items():
    for _spelling in _spellings:
        PRODUCT_SPELLINGS.setdefault(_spelling, _canonical)
PLURAL_SPELLINGS: frozenset[str] = frozenset(p for _, p, _ in PRODUCT_TYPES.values())


def _words(table: str) -> dict[str, str]:
    """spelling -> canonical, one line per concept, the first spelling canonical."""
    out: dict[str, str] = {}
    for line in table.strip().splitlines():
        spellings = [p.strip() for p in line.split("|")]
        for spelling in spellings:
            out.setdefault(spelling, spellings[0])
    return out


MATERIALS: dict[str, str] = _words("""
ceramic | ceramics | stoneware
porcelain | bone china | china
glass | glass
wood | wooden
metal | metal
zinc | zinc
enamel | enamelled | enamel
iron | wrought iron | cast iron
copper | copper
felt | felt
paper | paper
cotton | cotton
linen | linen
jute | jute | hessian
raffia | raffia
wicker | wicker | rattan
bamboo | bamboo
acrylic | acrylic
crystal | crystal
diamante | diamante
silk | silk
velvet | velvet
lace | lace
resin | resin
slate | slate
leather | leather
polyester | polyester
fabric | fabric
oilcloth | oilcloth
melamine | melamine
wool | wool | knitted wool
tin | tin
""")

PATTERNS: dict[str, str] = _words("""
retrospot | retro spot
polka dot | polka dots | polkadot | polkadots | dots | dot | spotty | spots | spot
stripe | stripes | striped | stripey | stripy
gingham | gingham
paisley | paisley
floral | florals | flower print
check | checked | checks
tartan | tartan
leopard | leopard print
camouflage | camo
union jack | union jack
honeycomb | honeycomb
lattice | lattice
baroque | baroque
damask | damask
mosaic | mosaic
toile | toile
patchwork | patchwork
""")

MOTIFS: dict[str, str] = _words("""
heart | hearts | hanging heart | sweetheart
star | stars
bird | birds | lovebird | lovebirds | love bird | love birds
butterfly | butterflies
rose | roses | rosebud | rosebuds
flower | flowers
cherry blossom | cherry blossom
strawberry | strawberries
cherry | cherries
owl | owls
cat | cats
dog | dogs | scottie dog | scottie dogs
rabbit | rabbits | bunny | bunnies
skull | skulls
snowflake | snowflakes
reindeer | reindeer
angel | angels
fairy | fairies
spaceboy | space boy
dolly girl | dolly girl
toadstool | toadstools | mushroom | mushrooms
bee | bees
ladybird | ladybirds
elephant | elephants
dinosaur | dinosaurs
robot | robots
apple | apples
lemon | lemons
daisy | daisies
peony | peonies
leaf | leaves
tree | trees
house | houses
chick | chicks
hen | hens | chicken | chickens
duck | ducks
frog | frogs
owl | owls
monkey | monkeys
teddy | teddies
alphabet | alphabet | letters
""")

THEMES: dict[str, str] = _words("""
christmas | xmas | christmas
easter | easter
birthday | birthday
party | party
wedding | wedding
valentine | valentines | valentine's
halloween | halloween
baby | baby | new baby
children | childrens | children's | childs | kids | kid's
tea time | teatime | tea party
picnic | picnic
vintage | vintage | antique
retro | retro
french | french
english | english
victorian | victorian
edwardian | edwardian
regency | regency
scandinavian | scandinavian | danish
folk art | folkart | folk
botanical | botanical
pantry | pantry
garden | garden | cottage garden
kitchen | kitchen
seaside | seaside | beach
summer | summer
spring | spring
winter | winter
london | london
paris | paris
love | love
""")

SIZES: dict[str, str] = _words("""
small | sml | sm
medium | med
large | lge | lrg
mini | mini
jumbo | jumbo
giant | giant
big | big
tall | tall
""")

# Titles abbreviate; these tokens are read as the word after the arrow before anything is matched.
ABBREVIATIONS: dict[str, str] = {
    "w": "with",
    "w/": "with",
    "asstd": "assorted",
    "asst": "assorted",
    "ass": "assorted",
    "dec": "decoration",
    "decs": "decorations",
    "turq": "turquoise",
    "squ": "square",
    "col": "colour",
    "cols": "colours",
    "lge": "large",
    "sml": "small",
    "xmas": "christmas",
    "childs": "children's",
    "childrens": "children's",
    "t-light": "t-light",
    "tlight": "t-light",
    "neckl": "necklace",
    "multicolour": "multicolour",
    "pk": "pack",
    "flwr": "flower",
    "c/cover": "cushion cover",
    "hldr": "holder",
    "p'weight": "paperweight",
    "photoframe": "photo frame",
    "necklac": "necklace",
    "fuschia": "fuchsia",
}

# Colours of this catalogue that the guard's colour table does not list (merged into it).
EXTRA_COLOURS = """
green: pistachio | eau de nil | sage
white: ivory | clear
pink: fuchsia | dusty pink | baby pink | hot pink | rose pink
purple: lilac | lavender | amethyst | plum
orange: amber
blue: duck egg | baby blue | turquoise | aqua
"""
