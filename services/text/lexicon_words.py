"""Ordinary words of product titles and marketing copy: capitalised, they are still not a brand.

The guard flags a capitalised word that is neither in the product's attributes, nor in one of
its vocabularies (colours, materials, genders, article types, the gift and homeware lexicon), nor
here, as a brand-like name the attributes do not support ("Spalding" in the title of a Roadster
shirt). This list is the rest of what titles and copy say: function words, the descriptive words
of fashion and homeware titles, and the words of the copy templates.
"""

from __future__ import annotations

COMMON_WORDS: frozenset[str] = frozenset(
    """
    a an the and or of for with without in on at to from by as is are be it its this that these those
    your you our my me we us they them their his her he she one two three four five six ten new all
    any each every more less very so too also just up out off over under into onto about around
    set pack pair piece pieces box bag kit size small medium large mini jumbo big giant tall short long
    printed print prints solid plain striped stripes stripe checked check checks graphic logo
    embroidered embellished textured self design designed designs pattern patterned floral
    casual formal sports sport party ethnic festive fusion daily everyday smart basic classic modern
    slim regular relaxed loose fit fitted skinny straight tapered bootcut flared boyfriend
    round crew neck collar collared sleeve sleeves sleeveless half full three-quarter hooded
    zip button buttons buckle strap straps lace lace-up laces slip-on slip ankle knee mid low high
    dial analogue analog digital chronograph multifunction automatic quartz strap
    washed faded distressed dark light bright pastel toned tone colour colours coloured color
    colourblocked multi multicoloured pure soft stretch knit knitted woven padded quilted lined
    reversible lightweight comfort cotton-blend blend premium lifestyle running training walking
    outdoor indoor summer winter spring autumn fall season seasonal edition collection range
    gift gifts gifting home kitchen garden living dining bedroom bathroom hall office travel
    vintage retro antique rustic traditional contemporary french english victorian botanical
    christmas easter birthday valentine's wedding halloween baby kids children's children
    hanging heart hearts star stars flower flowers rose roses bird birds butterfly spot spots
    dots dot polka spotty retrospot paisley gingham heart-shaped shaped shape square oval rectangle
    glass ceramic wooden wood metal paper felt enamel tin zinc
    meet introducing introduce say hello get gear grab take look discover shop now made make makes
    ready suited designed built crafted finished perfect lovely sweet cheerful thoughtful elegant fun
    special someone touch finishing soft glow quiet evenings room everyday meals tea break brighter
    celebration next started notes lists ideas idea essentials head play imagination hours start here
    freshen enjoy cosy tidy style styles look feel comfort colourful details detail material
    t-shirt t-shirts tshirt tshirts tee top tops shirt shirts polo dress dresses
    """.split()  # noqa: SIM905 (a word list is easier to read and extend as text)
)
