"""Chinese names for the catalogue's attribute values, used by the grounded Chinese templates.

A value missing here is written as given (brands and unusual values stay in their own script).
"""

from __future__ import annotations

ARTICLES: dict[str, str] = {
    "Tshirts": "T恤",
    "Shirts": "衬衫",
    "Casual Shoes": "休闲鞋",
    "Watches": "手表",
    "Sports Shoes": "运动鞋",
    "Kurtas": "库尔塔长衫",
    "Tops": "上衣",
    "Handbags": "手提包",
    "Heels": "高跟鞋",
    "Sunglasses": "太阳镜",
    "Wallets": "钱包",
    "Flip Flops": "人字拖",
    "Sandals": "凉鞋",
    "Briefs": "三角内裤",
    "Belts": "腰带",
    "Backpacks": "双肩包",
    "Socks": "袜子",
    "Formal Shoes": "正装鞋",
    "Perfume and Body Mist": "香水",
    "Jeans": "牛仔裤",
    "Shorts": "短裤",
    "Trousers": "长裤",
    "Flats": "平底鞋",
    "Bra": "文胸",
    "Dresses": "连衣裙",
    "Sarees": "纱丽",
    "Earrings": "耳环",
    "Deodorant": "止汗露",
    "Nail Polish": "指甲油",
    "Lipstick": "口红",
    "Track Pants": "运动长裤",
    "Clutches": "手拿包",
    "Sweatshirts": "卫衣",
    "Caps": "帽子",
    "Sweaters": "毛衣",
    "Ties": "领带",
    "Jackets": "夹克",
    "Innerwear Vests": "背心",
    "Kurtis": "库尔蒂衫",
    "Tunics": "束腰上衣",
    "Nightdress": "睡裙",
    "Leggings": "打底裤",
    "Pendant": "吊坠",
    "Capris": "七分裤",
    "Necklace and Chains": "项链",
    "Lip Gloss": "唇彩",
    "Night suits": "睡衣套装",
    "Trunk": "平角内裤",
    "Skirts": "半身裙",
    "Scarves": "围巾",
    "Ring": "戒指",
    "Dupatta": "披肩",
    "Cufflinks": "袖扣",
    "Stoles": "披肩",
    "Bracelet": "手链",
    "Boxers": "四角裤",
    "Duffel Bag": "旅行包",
    "Bangle": "手镯",
    "Jewellery Set": "首饰套装",
    "Sports Sandals": "运动凉鞋",
    "Laptop Bag": "电脑包",
    "Blazers": "西装外套",
    "Suits": "西装",
    "Jumpsuit": "连体裤",
    "Shoes": "鞋",
    "Bags": "包",
    "Topwear": "上装",
    "Bottomwear": "下装",
    "Footwear": "鞋履",
    "Apparel": "服装",
    "Accessories": "配饰",
}

COLOURS: dict[str, str] = {
    "Black": "黑色",
    "White": "白色",
    "Blue": "蓝色",
    "Navy Blue": "藏青色",
    "Red": "红色",
    "Green": "绿色",
    "Grey": "灰色",
    "Grey Melange": "灰色",
    "Charcoal": "炭灰色",
    "Pink": "粉色",
    "Purple": "紫色",
    "Yellow": "黄色",
    "Orange": "橙色",
    "Brown": "棕色",
    "Coffee Brown": "咖啡色",
    "Beige": "米色",
    "Cream": "米白色",
    "Off White": "米白色",
    "Maroon": "枣红色",
    "Burgundy": "酒红色",
    "Olive": "橄榄绿",
    "Khaki": "卡其色",
    "Gold": "金色",
    "Silver": "银色",
    "Bronze": "古铜色",
    "Copper": "古铜色",
    "Teal": "湖蓝色",
    "Turquoise Blue": "湖蓝色",
    "Sea Green": "湖蓝色",
    "Lavender": "薰衣草紫",
    "Magenta": "玫红色",
    "Mustard": "芥末黄",
    "Peach": "桃粉色",
    "Tan": "驼色",
    "Lime Green": "绿色",
    "Fluorescent Green": "绿色",
    "Rust": "橙色",
    "Mauve": "浅紫色",
    "Taupe": "褐色",
    "Mushroom Brown": "褐色",
    "Multi": "多色",
}

GENDERS: dict[str, str] = {"Men": "男士", "Women": "女士", "Boys": "男童", "Girls": "女童", "Unisex": "男女同款"}
SEASONS: dict[str, str] = {"Spring": "春季", "Summer": "夏季", "Fall": "秋季", "Winter": "冬季"}
USAGES: dict[str, str] = {
    "Casual": "休闲",
    "Sports": "运动",
    "Formal": "正式",
    "Ethnic": "民族风",
    "Smart Casual": "商务休闲",
    "Party": "派对",
    "Travel": "旅行",
    "Home": "居家",
}
MATERIALS: dict[str, str] = {
    "cotton": "棉",
    "linen": "亚麻",
    "silk": "真丝",
    "wool": "羊毛",
    "cashmere": "羊绒",
    "polyester": "涤纶",
    "nylon": "尼龙",
    "leather": "真皮",
    "faux leather": "人造革",
    "suede": "麂皮",
    "denim": "牛仔布",
    "canvas": "帆布",
    "rayon": "人造丝",
    "viscose": "粘胶纤维",
    "spandex": "氨纶",
    "rubber": "橡胶",
    "stainless steel": "不锈钢",
    "mesh": "网面",
}


def zh(table: dict[str, str], value: str) -> str:
    return table.get(value) or table.get(value.title()) or table.get(value.lower()) or value


# ------------------------------------------------------------------ gift and homeware catalogues
# Keys are the canonical names of ``lexicon_products`` (and of its colour, material, pattern,
# motif, theme and size lists); a product type missing here has no Chinese copy.
PRODUCT_TYPES: dict[str, str] = {
    "t-light holder": "烛台", "candle holder": "烛台", "candlestick": "烛台", "lantern": "灯笼",
    "lamp": "台灯", "lampshade": "灯罩", "night light": "小夜灯", "string lights": "串灯", "candle": "蜡烛",
    "incense": "香薰", "candle pot": "蜡烛杯", "matches": "火柴", "oil burner": "香薰炉",
    "mug": "马克杯", "cup and saucer": "杯碟套装", "teacup": "茶杯", "cup": "杯子", "teapot": "茶壶",
    "jug": "水壶", "bowl": "碗", "dish": "碟", "plate": "盘子", "cake stand": "蛋糕架", "tray": "托盘",
    "cutlery": "餐具", "spoon": "勺子", "chopsticks": "筷子", "apron": "围裙", "oven glove": "隔热手套",
    "tea towel": "茶巾", "spice tin": "调料罐", "cake tin": "蛋糕罐", "storage jar": "储物罐",
    "water bottle": "水瓶", "lunch box": "午餐盒", "lunch bag": "午餐袋", "cake cases": "蛋糕纸杯",
    "baking set": "烘焙套装", "baking mould": "烘焙模具", "cookie cutter": "饼干模具", "chopping board": "砧板", "egg cup": "蛋杯",
    "coaster": "杯垫", "placemat": "餐垫", "napkins": "餐巾纸", "doilies": "蕾丝垫纸", "food cover": "食物罩",
    "bread bin": "面包箱", "frying pan": "煎锅", "kitchen scales": "厨房秤", "washing up gloves": "洗碗手套",
    "glass": "玻璃杯", "milk pan": "奶锅", "toast rack": "吐司架", "beaker": "水杯", "baby bib": "婴儿围兜",
    "straws": "吸管", "picnic basket": "野餐篮", "salad servers": "沙拉勺", "recipe box": "食谱盒",
    "snack box": "零食盒", "hanging decoration": "挂饰", "decoration": "装饰品", "bauble": "圣诞彩球",
    "garland": "花环", "wreath": "花环", "bunting": "彩旗", "sign": "标牌", "wall clock": "挂钟",
    "alarm clock": "闹钟", "clock": "时钟", "mirror": "镜子", "photo frame": "相框", "vase": "花瓶",
    "trinket box": "首饰盒", "trinket dish": "首饰碟", "jewellery box": "首饰盒", "cushion cover": "靠垫套",
    "cushion": "靠垫", "doormat": "门垫", "doorstop": "门挡", "wall art": "墙饰", "tile": "装饰瓷砖",
    "magnet": "冰箱贴", "hook": "挂钩", "hanger": "衣架", "key ring": "钥匙扣", "windmill": "风车",
    "mobile": "挂饰", "christmas tree": "圣诞树", "snow globe": "水晶球", "paperweight": "镇纸",
    "door knob": "门把手", "birdhouse": "鸟屋", "feather tree": "羽毛树", "bell": "铃铛",
    "stocking": "圣诞袜", "easter egg": "复活节彩蛋", "magazine rack": "杂志架",
    "flowers": "仿真花", "quilt": "被子", "throw": "毯子", "hot water bottle": "热水袋",
    "hand warmer": "暖手宝", "curtain": "窗帘", "towel": "毛巾", "tissues": "纸巾", "storage box": "收纳盒",
    "food container": "食品罐", "jewellery stand": "首饰架", "chest of drawers": "抽屉柜", "cabinet": "柜子",
    "shelf": "置物架", "basket": "篮子", "storage bin": "收纳桶", "box": "盒子", "organiser": "收纳架",
    "tin": "铁盒", "bucket": "小桶", "table": "桌子", "stool": "凳子", "chair": "椅子", "planter": "花盆",
    "watering can": "洒水壶", "trowel": "园艺铲", "kneeling pad": "园艺跪垫", "parasol": "遮阳伞",
    "bird feeder": "喂鸟器", "hammock": "吊床", "seed packet": "种子包", "herb marker": "植物标签",
    "pegs": "夹子", "thermometer": "温度计", "balloons": "气球", "party bag": "派对礼品袋",
    "party cups": "派对纸杯", "paper plates": "纸盘", "banner": "横幅", "greeting card": "贺卡",
    "card": "卡片", "gift wrap": "礼品包装纸", "gift bag": "礼品袋", "gift tag": "礼品标签", "ribbon": "丝带",
    "confetti": "彩色纸屑", "invitations": "邀请卡", "party hats": "派对帽", "crackers": "圣诞拉炮",
    "advent calendar": "降临节日历", "calendar": "日历", "stickers": "贴纸", "candle set": "蜡烛套装",
    "notebook": "笔记本", "pen": "笔", "pencil": "铅笔", "pencil case": "笔袋", "eraser": "橡皮",
    "sketchbook": "素描本", "journal": "手账本", "memo board": "留言板", "photo album": "相册",
    "writing set": "文具套装", "stamp set": "印章套装", "ruler": "尺子", "passport cover": "护照套",
    "luggage tag": "行李牌", "address book": "通讯录", "note pad": "便签本", "book": "书", "calculator": "计算器",
    "bookmark": "书签", "tape": "胶带", "shopper bag": "购物袋", "tote bag": "托特包", "jumbo bag": "大号购物袋",
    "handbag": "手提包", "purse": "零钱包", "wash bag": "洗漱包", "cosmetic bag": "化妆包",
    "shoulder bag": "单肩包", "backpack": "双肩包", "bag": "包", "necklace": "项链", "bracelet": "手链",
    "earrings": "耳环", "ring": "戒指", "brooch": "胸针", "hair clip": "发夹", "pendant": "吊坠",
    "charm": "挂件", "bangle": "手镯", "hair band": "发带", "doll": "玩偶", "jigsaw": "拼图", "game": "游戏", "dominoes": "多米诺骨牌",
    "toy": "玩具", "teddy bear": "泰迪熊", "puppet": "木偶", "spinning top": "陀螺", "skipping rope": "跳绳",
    "temporary tattoos": "纹身贴", "torch": "手电筒", "kite": "风筝", "play house": "游戏屋",
    "building blocks": "积木", "craft kit": "手工套装", "colouring book": "涂色书", "money bank": "存钱罐",
    "soap": "香皂", "bath salts": "浴盐", "sponge": "海绵", "plasters": "创可贴", "first aid kit": "急救包",
    "umbrella": "雨伞", "scarf": "围巾", "gloves": "手套", "hat": "帽子", "headphones": "耳机",
    "ear muffs": "耳罩", "fan": "扇子", "compact mirror": "随身镜", "key fob": "钥匙扣",
    "phone charm": "手机挂件", "sunglasses case": "眼镜盒",
}  # fmt: skip

MATERIALS.update(
    {
        "ceramic": "陶瓷", "porcelain": "瓷质", "glass": "玻璃", "wood": "木质", "metal": "金属", "zinc": "锌制",
        "enamel": "搪瓷", "iron": "铁艺", "copper": "铜制", "felt": "毛毡", "paper": "纸质", "jute": "黄麻",
        "raffia": "拉菲草", "wicker": "藤编", "bamboo": "竹制", "acrylic": "亚克力", "crystal": "水晶",
        "diamante": "水钻", "velvet": "丝绒", "lace": "蕾丝", "resin": "树脂", "slate": "石板",
        "fabric": "布艺", "oilcloth": "防水油布", "melamine": "密胺", "tin": "马口铁", "plastic": "塑料",
    }
)  # fmt: skip

COLOURS.update(
    {
        "Pistachio": "开心果绿", "Eau De Nil": "淡绿色", "Sage": "鼠尾草绿", "Ivory": "象牙白", "Clear": "透明",
        "Fuchsia": "紫红色", "Dusty Pink": "灰粉色", "Baby Pink": "浅粉色", "Hot Pink": "亮粉色",
        "Rose Pink": "玫瑰粉", "Lilac": "淡紫色", "Amethyst": "紫水晶色", "Plum": "梅子色", "Amber": "琥珀色",
        "Duck Egg": "鸭蛋蓝", "Baby Blue": "浅蓝色", "Aqua": "水蓝色", "Light Blue": "浅蓝色",
        "Dark Blue": "深蓝色", "Sky Blue": "天蓝色", "Royal Blue": "宝蓝色", "Ivory White": "象牙白",
        "Jet Black": "黑色", "Navy": "藏青色", "Turquoise": "绿松石色", "Coral": "珊瑚色", "Mint": "薄荷绿",
        "Lemon": "柠檬黄", "Golden": "金色", "Crimson": "深红色", "Scarlet": "猩红色", "Violet": "紫罗兰色",
        "Indigo": "靛蓝色", "Chocolate": "巧克力色", "Camel": "驼色", "Slate": "石板灰", "Gray": "灰色",
        "Rose Gold": "玫瑰金", "Wine Red": "酒红色", "Olive Green": "橄榄绿", "Emerald": "祖母绿",
        "Mint Green": "薄荷绿", "Cobalt": "钴蓝色", "Crystal": "水晶色", "Natural": "原色",
    }
)  # fmt: skip

PATTERNS: dict[str, str] = {
    "retrospot": "复古波点", "polka dot": "波点", "stripe": "条纹", "gingham": "格纹", "paisley": "佩斯利花纹",
    "floral": "碎花", "check": "格纹", "tartan": "苏格兰格纹", "leopard": "豹纹", "camouflage": "迷彩",
    "union jack": "英国国旗", "honeycomb": "蜂巢纹", "lattice": "格栅纹", "baroque": "巴洛克花纹",
    "damask": "大马士革花纹", "mosaic": "马赛克", "toile": "法式印花", "patchwork": "拼布",
}  # fmt: skip

MOTIFS: dict[str, str] = {
    "heart": "爱心", "star": "星星", "bird": "小鸟", "butterfly": "蝴蝶", "rose": "玫瑰", "flower": "花朵",
    "cherry blossom": "樱花", "strawberry": "草莓", "cherry": "樱桃", "owl": "猫头鹰", "cat": "小猫",
    "dog": "小狗", "rabbit": "小兔", "skull": "骷髅", "snowflake": "雪花", "reindeer": "驯鹿", "angel": "天使",
    "fairy": "小仙子", "spaceboy": "太空男孩", "dolly girl": "娃娃女孩", "toadstool": "蘑菇", "bee": "蜜蜂",
    "ladybird": "瓢虫", "elephant": "大象", "dinosaur": "恐龙", "robot": "机器人", "apple": "苹果",
    "lemon": "柠檬", "daisy": "雏菊", "peony": "牡丹", "leaf": "树叶", "tree": "树", "house": "小屋",
    "chick": "小鸡", "hen": "母鸡", "duck": "小鸭", "frog": "青蛙", "monkey": "猴子", "teddy": "泰迪熊",
    "alphabet": "字母",
}  # fmt: skip

THEMES: dict[str, str] = {
    "christmas": "圣诞", "easter": "复活节", "birthday": "生日", "party": "派对", "wedding": "婚礼",
    "valentine": "情人节", "halloween": "万圣节", "baby": "婴儿", "children": "儿童", "tea time": "下午茶",
    "picnic": "野餐", "vintage": "复古", "retro": "复古", "french": "法式", "english": "英伦",
    "victorian": "维多利亚风", "edwardian": "爱德华风", "regency": "摄政风", "scandinavian": "北欧风",
    "folk art": "民间艺术", "botanical": "植物", "pantry": "厨房", "garden": "花园", "kitchen": "厨房",
    "seaside": "海滨", "summer": "夏日", "spring": "春日", "winter": "冬日", "london": "伦敦", "paris": "巴黎",
    "love": "爱心",
}  # fmt: skip

SIZES: dict[str, str] = {
    "small": "小号", "medium": "中号", "large": "大号", "mini": "迷你", "jumbo": "超大号", "giant": "超大号",
    "big": "大号", "tall": "高款",
}  # fmt: skip

GROUPS: dict[str, str] = {
    "lighting": "灯饰", "kitchen": "厨房餐饮", "decor": "家居装饰", "party": "派对礼品", "stationery": "文具",
    "bags": "包袋", "jewellery": "饰品", "toys": "玩具", "bath": "浴室", "garden": "花园", "accessories": "配饰",
    "storage": "收纳", "textiles": "家纺",
}  # fmt: skip


def zh_or_none(table: dict[str, str], value: str) -> str | None:
    """The Chinese name, or None when the glossary has none (the caller must not fall back to English)."""
    return table.get(value) or table.get(value.title()) or table.get(value.lower())
