"""Colour, material and gender vocabularies (English and Chinese) mapped to comparable families.

Each table line is ``family: term | term | ...``; a term listed under several families belongs to
all of them. Two terms agree when their families intersect ("navy" and "blue" agree, "navy" and
"red" do not). ``TEXT_ONLY_EXCLUDED`` lists words that name a colour in an attribute value but
usually mean something else in running text ("cream", "skin", "steel").
"""

from __future__ import annotations

from .lexicon_products import EXTRA_COLOURS, PRODUCT_TYPES

_COLOUR_TABLE = """
black: black | jet black | charcoal | 黑色 | 纯黑 | 炭灰
white: white | off white | ivory | cream | cream-coloured | cream-colored | 白色 | 纯白
white: 米白 | 米白色 | 象牙白
grey: grey | gray | charcoal | grey melange | slate | taupe | mushroom brown | silver
grey: steel | 灰色 | 深灰 | 浅灰 | 炭灰 | 银色
blue: blue | navy | navy blue | royal blue | sky blue | light blue | dark blue | turquoise
blue: turquoise blue | teal
blue: aqua | cobalt | indigo | sea green | 蓝色 | 深蓝 | 浅蓝 | 天蓝 | 天蓝色 | 藏青
blue: 藏青色 | 海军蓝 | 宝蓝 | 宝蓝色 | 湖蓝 | 靛蓝
green: green | olive | olive green | sea green | lime green | fluorescent green | mint
green: mint green | emerald
green: turquoise | turquoise blue | teal | aqua | khaki | 绿色 | 墨绿 | 军绿 | 军绿色
green: 橄榄绿 | 薄荷绿 | 湖蓝 | 卡其 | 卡其色
red: red | maroon | burgundy | crimson | scarlet | wine red | rust | 红色 | 大红 | 酒红
red: 酒红色 | 枣红 | 玫红
pink: pink | magenta | fuchsia | peach | rose gold | blush | mauve | coral | nude | skin
pink: 粉色 | 粉红 | 粉红色 | 桃粉 | 玫红
purple: purple | lavender | mauve | violet | lilac | magenta | fuchsia | burgundy
purple: wine red | indigo
purple: 紫色 | 薰衣草紫 | 浅紫 | 深紫 | 酒红 | 酒红色 | 靛蓝
yellow: yellow | mustard | lemon | lime green | fluorescent green | gold | golden | 黄色
yellow: 芥末黄 | 姜黄 | 金色
orange: orange | rust | coral | peach | copper | 橙色 | 橘色 | 姜黄
brown: brown | coffee brown | chocolate | mushroom brown | taupe | tan | camel | maroon
brown: rust | khaki | bronze
brown: copper | 棕色 | 咖啡色 | 褐色 | 驼色 | 巧克力色 | 枣红 | 卡其 | 卡其色 | 古铜色
beige: beige | khaki | nude | skin | tan | camel | off white | ivory | cream
beige: cream-coloured | cream-colored
beige: 米色 | 卡其 | 卡其色 | 杏色 | 驼色 | 米白 | 米白色 | 象牙白
white: 米色
gold: gold | golden | rose gold | bronze | metallic | 金色
silver: silver | steel | metallic | 银色
bronze: bronze | copper | metallic | 古铜色
"""

_MATERIAL_TABLE = """
cotton: cotton | organic cotton | pure cotton | denim | canvas | 纯棉 | 全棉 | 棉质 | 棉麻
cotton: 有机棉 | 牛仔布 | 帆布
linen: linen | 亚麻 | 棉麻
silk: silk | pure silk | mulberry silk | 丝绸 | 真丝 | 桑蚕丝
wool: wool | merino | merino wool | 羊毛 | 美利奴
cashmere: cashmere | 羊绒
polyester: polyester | fleece | 涤纶 | 聚酯纤维 | 摇粒绒
nylon: nylon | 尼龙 | 锦纶
leather: leather | genuine leather | real leather | full-grain leather | suede | 真皮
leather: 牛皮 | 羊皮 | 头层皮 | 麂皮
faux_leather: faux leather | vegan leather | pu leather | synthetic leather | leatherette
faux_leather: 人造革 | pu皮 | 仿皮 | 人造皮
suede: suede | 麂皮
denim: denim | 牛仔布
canvas: canvas | 帆布
rayon: rayon | viscose | modal | 人造丝 | 粘胶 | 莫代尔
spandex: spandex | elastane | lycra | 氨纶
rubber: rubber | 橡胶
acrylic: acrylic | 腈纶
fleece: fleece | 摇粒绒
velvet: velvet | 丝绒 | 天鹅绒
satin: satin | 缎面
chiffon: chiffon | 雪纺
steel: stainless steel | 不锈钢
silver_metal: sterling silver | 925 silver | 纯银
gold_plated: gold-plated | 镀金
gold_metal: solid gold | 18k gold | 足金
plastic: plastic | 塑料
down: down | goose down | duck down | 羽绒
"""


def _parse(table: str) -> dict[str, frozenset[str]]:
    families: dict[str, set[str]] = {}
    for line in table.strip().splitlines():
        if not line.strip():
            continue
        family, _, terms = line.partition(":")
        for term in terms.split("|"):
            families.setdefault(term.strip(), set()).add(family.strip())
    return {term: frozenset(f) for term, f in families.items()}


COLOUR_FAMILIES: dict[str, frozenset[str]] = _parse(_COLOUR_TABLE + EXTRA_COLOURS)
MATERIAL_FAMILIES: dict[str, frozenset[str]] = _parse(_MATERIAL_TABLE)

# Values that mean "many colours": no colour check is possible against them.
MULTI_COLOUR_VALUES = frozenset(
    {"multi", "multicolour", "multicolor", "multi coloured", "multi colour", "多色", "彩色", "na", ""}
)

# Terms recognised in attribute values but not in running text, where they mostly mean something else.
TEXT_ONLY_EXCLUDED = frozenset({"cream", "skin", "steel", "metallic", "nude", "lemon", "mint", "slate"})

# Words that only count as a material in attribute values ("down" is a preposition in text).
MATERIAL_TEXT_EXCLUDED = frozenset({"down", "modal", "plastic"})

_GENDER_TABLE = """
men: men | man | men's | mens | male | gentlemen | 男士 | 男款 | 男装 | 男式 | 男性 | 男鞋
women: women | woman | women's | womens | ladies | lady | female | 女士 | 女款 | 女装
women: 女式 | 女性 | 女鞋
boys: boys | boy | boy's | boys' | 男童 | 男孩
girls: girls | girl | girl's | girls' | 女童 | 女孩
kids: kids | kid's | children | children's | 儿童 | 童装
"""

# English terms are matched as whole words, case-insensitive; Chinese ones as substrings.
GENDER_TERMS: dict[str, str] = {term: min(f) for term, f in _parse(_GENDER_TABLE).items()}

# Which gender words each product gender allows (Unisex allows every word).
ALLOWED_GENDER_WORDS: dict[str, frozenset[str]] = {
    "Men": frozenset({"men"}),
    "Women": frozenset({"women"}),
    "Boys": frozenset({"boys", "kids"}),
    "Girls": frozenset({"girls", "kids"}),
}

# Article types. Generic words (shoes, top, bag, ...) name a group and agree with every member of it;
# specific ones must match the product's own article ("heels" for a pair of flats is a contradiction).
_ARTICLE_TABLE = """
footwear: footwear | shoes | shoe | 鞋 | 鞋子 | 鞋履
topwear: topwear | top | tops | 上衣 | 上装
bottomwear: bottomwear | 下装
bags: bags | bag | 包
tshirt: t-shirt | t-shirts | tshirt | tshirts | tee | tees | polo t-shirt | T恤
shirt: shirt | shirts | 衬衫
top: blouse | blouses | camisole | camisoles
kurta: kurta | kurtas | kurti | kurtis | tunic | tunics | 库尔塔长衫 | 库尔蒂衫
sweatshirt: sweatshirt | sweatshirts | hoodie | hoodies | 卫衣
sweater: sweater | sweaters | cardigan | cardigans | pullover | 毛衣
jacket: jacket | jackets | blazer | blazers | coat | coats | 夹克 | 外套 | 西装外套
dress: dress | dresses | gown | 连衣裙
jeans: jeans | 牛仔裤
trousers: trousers | trouser | pants | chinos | 长裤
shorts: shorts | bermuda | bermudas | 短裤
skirt: skirt | skirts | 半身裙
track_pants: track pants | track pant | joggers | 运动长裤 | 运动裤
leggings: leggings | capris | capri | 打底裤 | 七分裤
heels: heels | pumps | stilettos | 高跟鞋
flats: flats | ballerinas | 平底鞋
sandals: sandals | sandal | 凉鞋
flats: sandals | sandal | 凉鞋
heels: sandals | sandal | 凉鞋
flip_flops: flip flops | flip-flops | flip flop | slippers | 人字拖 | 拖鞋
sports_shoes: sports shoes | sports shoe | running shoes | running shoe | trainers | sneakers | sneaker | 运动鞋 | 跑鞋 | 跑步鞋
casual_shoes: casual shoes | casual shoe | sneakers | sneaker | loafers | 休闲鞋
formal_shoes: formal shoes | formal shoe | oxfords | brogues | 正装鞋
watch: watch | watches | 手表
handbag: handbag | handbags | tote | totes | 手提包
backpack: backpack | backpacks | rucksack | 双肩包 | 背包
clutch: clutch | clutches | 手拿包
wallet: wallet | wallets | 钱包
belt: belt | belts | 腰带
socks: socks | sock | 袜子
sunglasses: sunglasses | 太阳镜 | 墨镜
cap: cap | caps | 帽子
earrings: earrings | 耳环
bra: bra | bras | 文胸
briefs: briefs | boxers | trunk | trunks | 三角内裤 | 四角裤 | 平角内裤
footwear: heels | flats | sandals | flip flops | sports shoes | casual shoes | formal shoes | 高跟鞋 | 平底鞋 | 凉鞋
footwear: 人字拖 | 运动鞋 | 休闲鞋 | 正装鞋
topwear: t-shirt | t-shirts | tshirt | tshirts | shirt | shirts | kurta | kurtas | kurti | kurtis | sweatshirt
topwear: sweatshirts | sweater | sweaters | jacket | jackets | T恤 | 衬衫 | 卫衣 | 毛衣 | 夹克
bags: handbag | handbags | backpack | backpacks | clutch | clutches | 手提包 | 双肩包 | 手拿包
"""


def _gift_articles() -> str:
    """The gift and homeware product types as article lines: one family per type, its spellings."""
    lines = []
    for canonical, (_group, _plural, spellings) in PRODUCT_TYPES.items():
        family = "gift_" + canonical.replace(" ", "_").replace("-", "_")
        lines.append(f"{family}: " + " | ".join(spellings))
    return "\n".join(lines)


ARTICLE_FAMILIES: dict[str, frozenset[str]] = _parse(_ARTICLE_TABLE + "\n" + _gift_articles())
# The catalogue files most sandals under Flats or Heels, so "sandals" agrees with both.
# Group words: a text word in this set agrees with any product whose category is in the group.
GENERIC_ARTICLE_FAMILIES = frozenset({"footwear", "topwear", "bottomwear", "bags"})
# Accessories are often mentioned as complements ("wear it with a belt"): they count in attribute
# values but are not taken as claims about the product when they appear in text.
ARTICLE_TEXT_EXCLUDED = frozenset(
    {
        "watch",
        "watches",
        "belt",
        "belts",
        "socks",
        "sock",
        "sunglasses",
        "cap",
        "caps",
        "earrings",
        "bra",
        "bras",
        "briefs",
        "boxers",
        "trunk",
        "trunks",
        "wallet",
        "wallets",
        "coat",
        "coats",
        "tee",
        "tees",
        "手表",
        "腰带",
        "袜子",
        "太阳镜",
        "墨镜",
        "帽子",
        "耳环",
        "文胸",
        "钱包",
        "包",
    }
    # Gift and homeware words that running text mostly uses for something else ("in a gift box").
    | {
        "box", "boxes", "glass", "glasses", "tin", "tins", "card", "cards", "tags", "tape", "wrap", "book",
        "books", "pad", "pen", "game", "games", "toy", "toys", "fan", "mobile", "picture", "sign", "table",
        "chair", "shelf", "hook", "bell", "frame", "frames", "ring", "rings", "charm", "kit", "flowers",
        "decoration", "decorations", "lights", "blocks", "matches", "stamps", "pot", "pots", "throw", "hat",
        "gloves", "scarf", "umbrella", "bin", "tray", "basket", "cup", "cups", "dish", "bowl", "plate",
        "plates", "candle", "candles", "towel", "tissues", "stickers", "ribbon", "banner", "jar", "bottle",
    }
)  # fmt: skip
