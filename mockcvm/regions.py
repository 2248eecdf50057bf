"""Real Tencent Cloud region and zone names (a subset large enough for tests), with their Chinese names."""

from __future__ import annotations

from typing import NamedTuple


class Zone(NamedTuple):
    zone: str
    zone_id: str
    name: str


class Region(NamedTuple):
    region: str
    name: str
    zones: tuple[Zone, ...]


def _zones(region: str, city: str, base: int, numbers: tuple[int, ...]) -> tuple[Zone, ...]:
    return tuple(
        Zone(f"{region}-{n}", str(base + n), f"{city}{_ORDINAL[n]}区") for n in numbers
    )


_ORDINAL = {1: "一", 2: "二", 3: "三", 4: "四", 5: "五", 6: "六", 7: "七", 8: "八", 9: "九"}

REGIONS: dict[str, Region] = {
    r.region: r
    for r in (
        Region("ap-guangzhou", "华南地区(广州)", _zones("ap-guangzhou", "广州", 100000, (3, 4, 6, 7))),
        Region("ap-shanghai", "华东地区(上海)", _zones("ap-shanghai", "上海", 200000, (2, 3, 4, 5, 8))),
        Region("ap-nanjing", "华东地区(南京)", _zones("ap-nanjing", "南京", 330000, (1, 2, 3))),
        Region("ap-beijing", "华北地区(北京)", _zones("ap-beijing", "北京", 800000, (1, 2, 3, 4, 5, 6, 7))),
        Region("ap-chengdu", "西南地区(成都)", _zones("ap-chengdu", "成都", 160000, (1, 2))),
        Region("ap-chongqing", "西南地区(重庆)", _zones("ap-chongqing", "重庆", 190000, (1,))),
        Region("ap-hongkong", "港澳台地区(中国香港)", _zones("ap-hongkong", "香港", 300000, (1, 2, 3))),
        Region("ap-singapore", "亚太东南(新加坡)", _zones("ap-singapore", "新加坡", 900000, (1, 2, 3, 4))),
        Region("ap-jakarta", "亚太东南(雅加达)", _zones("ap-jakarta", "雅加达", 720000, (1, 2))),
        Region("ap-bangkok", "亚太东南(曼谷)", _zones("ap-bangkok", "曼谷", 230000, (1, 2))),
        Region("ap-seoul", "亚太东北(首尔)", _zones("ap-seoul", "首尔", 180000, (1, 2))),
        Region("ap-tokyo", "亚太东北(东京)", _zones("ap-tokyo", "东京", 250000, (1, 2))),
        Region("na-siliconvalley", "美国西部(硅谷)", _zones("na-siliconvalley", "硅谷", 150000, (1, 2))),
        Region("na-ashburn", "美国东部(弗吉尼亚)", _zones("na-ashburn", "弗吉尼亚", 220000, (1, 2))),
        Region("eu-frankfurt", "欧洲地区(法兰克福)", _zones("eu-frankfurt", "法兰克福", 170000, (1, 2))),
        Region("sa-saopaulo", "南美地区(圣保罗)", _zones("sa-saopaulo", "圣保罗", 740000, (1,))),
    )
}

ZONE_REGION: dict[str, str] = {z.zone: r.region for r in REGIONS.values() for z in r.zones}

#: English names as Tencent's English documentation spells them (what an ``en-US`` request reads), the city
#: of the zones' English names, and the numeric region id of the billing answers.
_ENGLISH: dict[str, tuple[str, str, int]] = {
    "ap-guangzhou": ("South China (Guangzhou)", "Guangzhou", 1),
    "ap-shanghai": ("East China (Shanghai)", "Shanghai", 4),
    "ap-nanjing": ("East China (Nanjing)", "Nanjing", 33),
    "ap-beijing": ("North China (Beijing)", "Beijing", 8),
    "ap-chengdu": ("Southwest China (Chengdu)", "Chengdu", 16),
    "ap-chongqing": ("Southwest China (Chongqing)", "Chongqing", 19),
    "ap-hongkong": ("Hong Kong, Macao, Taiwan  (Hong Kong, China)", "Hong Kong", 5),
    "ap-singapore": ("Southeast Asia (Singapore)", "Singapore", 9),
    "ap-jakarta": ("Southeast Asia (Jakarta)", "Jakarta", 72),
    "ap-bangkok": ("Southeast Asia (Bangkok)", "Bangkok", 23),
    "ap-seoul": ("Northeast Asia (Seoul)", "Seoul", 18),
    "ap-tokyo": ("Northeast Asia (Tokyo)", "Tokyo", 25),
    "na-siliconvalley": ("U.S. West Coast (Silicon Valley)", "Silicon Valley", 15),
    "na-ashburn": ("U.S. East Coast (Virginia)", "Virginia", 22),
    "eu-frankfurt": ("Europe (Frankfurt)", "Frankfurt", 17),
    "sa-saopaulo": ("South America (São Paulo)", "São Paulo", 74),
}


def region_name(region: str, language: str) -> str:
    """The region's name in the request's language (``zh-CN`` Chinese, anything else English)."""
    if language.lower().startswith("zh"):
        return REGIONS[region].name
    return _ENGLISH[region][0]


def zone_name(zone: Zone, language: str) -> str:
    """The zone's name in the request's language: 广州三区 or Guangzhou Zone 3."""
    if language.lower().startswith("zh"):
        return zone.name
    region = ZONE_REGION[zone.zone]
    return f"{_ENGLISH[region][1]} Zone {zone.zone.rsplit('-', 1)[1]}"


def region_number(region: str) -> int:
    """The numeric region id (1 for ap-guangzhou) some billing answers give; 0 for a region mockcvm lacks."""
    return _ENGLISH[region][2] if region in _ENGLISH else 0
