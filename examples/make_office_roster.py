"""Writes examples/office-roster.xlsx: the sample roster (examples/roster.csv) laid out as
a street office keeps it in Excel, to show and test what `shequ check` does with one.

    python3 -m venv /tmp/xl && /tmp/xl/bin/pip install openpyxl
    /tmp/xl/bin/python examples/make_office_roster.py

The sheet has what real office sheets have and what a plain CSV reader gets wrong: a
cover sheet before the roster, a title merged across the columns, a note row, headers
with spaces inside (`户  数`), full-width brackets and a synonym (`社工人数`), a street
column merged down its communities, shares formatted as percentages, a date column,
a 小计 row per county and a 合计 row at the end (whose 户数 is off by 100, as hand-made
sums often are). The figures are those of examples/roster.csv.
"""

import csv
import datetime
import pathlib

import openpyxl
from openpyxl.styles import Alignment, Font

HERE = pathlib.Path(__file__).parent
rows = list(csv.DictReader((HERE / "roster.csv").open(encoding="utf-8")))

wb = openpyxl.Workbook()
cover = wb.active
cover.title = "填表说明"
cover["A1"] = "各街道于每季度末填报本辖区社区基本情况,报区民政局。"
ws = wb.create_sheet("社区基本情况")

columns = [
    ("序号", None),
    ("社区名称", "社区名称"),
    ("所属街道", None),
    ("区县", "区县"),
    ("社区类型", "社区类型"),
    ("户  数", "户数"),
    ("常住人口(人)", "常住人口"),
    ("户籍人口", "户籍人口"),
    ("社区服务用房面积（㎡）", "社区服务用房面积"),
    ("居民活动区域面积（㎡）", "居民活动区域面积"),
    ("室外活动广场面积", "室外活动广场面积"),
    ("新建社区", "新建社区"),
    ("社工人数", "社区工作者人数"),
    ("专职工作者人数", "专职工作者人数"),
    ("专职党务工作者人数", "专职党务工作者人数"),
    ("居委会成员人数", "居委会成员人数"),
    ("党组织班子成员人数", "党组织班子成员人数"),
    ("党组织形式", "党组织形式"),
    ("两委成员人数", "两委成员人数"),
    ("交叉任职比例", "交叉任职比例"),
    ("社会组织数", "社会组织数"),
    ("专职工作者最低月报酬", "专职工作者最低月报酬"),
    ("专职工作者人均月报酬", "专职工作者人均月报酬"),
    ("党员人数", "党员人数"),
    ("居民小组数", "居民小组数"),
    ("楼栋长人数", "楼栋长人数"),
    ("居民代表人数", "居民代表人数"),
    ("成员单位代表人数", "成员单位代表人数"),
    ("注册志愿者人数", "注册志愿者人数"),
    ("党组织副书记人数", "党组织副书记人数"),
    ("服务站用房是否租赁", "服务站用房是否租赁"),
    ("租赁合同年限", "租赁合同年限"),
    ("填报日期", None),
    ("备注", "备注"),
]
width = len(columns)
ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
ws["A1"] = "七星关区、大方县城市社区基本情况统计表"
ws["A1"].font = Font(bold=True, size=14)
ws["A1"].alignment = Alignment(horizontal="center")
ws["A2"] = "填报单位:区民政局    单位:户、人、平方米、元"
for c, (header, _) in enumerate(columns, start=1):
    ws.cell(row=3, column=c, value=header).font = Font(bold=True)

streets = {
    "东关社区": "市东街道",
    "西城社区": "市东街道",
    "北苑社区": "市西街道",
    "南湖社区": "红岩街道",
    "桃园社区": "红岩街道",
    "新华社区": "红岩街道",
}
numeric = {
    "户数", "常住人口", "户籍人口", "社区服务用房面积", "居民活动区域面积",
    "室外活动广场面积", "社区工作者人数", "专职工作者人数", "专职党务工作者人数",
    "居委会成员人数", "党组织班子成员人数", "两委成员人数", "社会组织数",
    "专职工作者最低月报酬", "专职工作者人均月报酬", "党员人数", "居民小组数",
    "楼栋长人数", "居民代表人数", "成员单位代表人数", "注册志愿者人数",
    "党组织副书记人数", "租赁合同年限",
}
r = 4
seq = 0
county = None
street_runs = []


def subtotal(label, group):
    global r
    ws.cell(row=r, column=1, value=label)
    for c, (_, src) in enumerate(columns, start=1):
        if src in ("户数", "常住人口"):
            ws.cell(row=r, column=c, value=sum(int(x[src]) for x in group))
    r += 1


group = []
for row in rows:
    if county is not None and row["区县"] != county:
        subtotal(f"{county}小计", group)
        group = []
    county = row["区县"]
    group.append(row)
    seq += 1
    for c, (header, src) in enumerate(columns, start=1):
        if header == "序号":
            value = seq
        elif header == "所属街道":
            value = streets[row["社区名称"]]
        elif header == "填报日期":
            value = datetime.date(2024, 6, 28)
        elif src == "交叉任职比例":
            text = row[src]
            # a share, formatted as a percentage in the sheet (stored as 0.7)
            value = None if not text else int(text.rstrip("%")) / 100
        elif src in numeric:
            value = int(row[src]) if row[src] else None
        else:
            value = row[src] or None
        cell = ws.cell(row=r, column=c, value=value)
        if header == "填报日期":
            cell.number_format = "yyyy-mm-dd"
        if src == "交叉任职比例" and value is not None:
            cell.number_format = "0%"
    if street_runs and street_runs[-1][0] == streets[row["社区名称"]] and street_runs[-1][2] == r - 1:
        street_runs[-1][2] = r
    else:
        street_runs.append([streets[row["社区名称"]], r, r])
    r += 1
subtotal(f"{county}小计", group)

# the street merged down its communities (as offices lay it out)
street_col = [h for h, _ in columns].index("所属街道") + 1
for name, first, last in street_runs:
    if last > first:
        for rr in range(first + 1, last + 1):
            ws.cell(row=rr, column=street_col, value=None)
        ws.merge_cells(start_row=first, start_column=street_col, end_row=last, end_column=street_col)

# the grand total, typed in by hand and 100 households off
ws.cell(row=r, column=1, value="合计")
hh_col = [s for _, s in columns].index("户数") + 1
res_col = [s for _, s in columns].index("常住人口") + 1
ws.cell(row=r, column=hh_col, value=sum(int(x["户数"]) for x in rows) + 100)
ws.cell(row=r, column=res_col, value=sum(int(x["常住人口"]) for x in rows))
ws.freeze_panes = "C4"
wb.save(HERE / "office-roster.xlsx")
print(f"wrote {HERE / 'office-roster.xlsx'}: {len(rows)} communities, rows 1-{r}")
