"""The programmes every installation starts with (copied into migration 0002; the
demo and tests rely on ``critical_illness``). Amounts in yuan."""

STAGE_DAYS = {"grassroots": 5, "street": 5, "district": 7}

CRITICAL_ILLNESS = {
    "eligible": ["member", "hardship_household"],
    "facts": {"employed": "bool", "hospitalised": "bool", "out_of_pocket": "money"},
    "materials": [
        {"code": "id_card", "name": "身份证"},
        {"code": "diagnosis", "name": "诊断证明"},
        {"code": "invoices", "name": "住院发票或费用清单", "required_if": {"hospitalised": True}},
        {"code": "employer_letter", "name": "单位证明", "required_if": {"employed": True}},
        {"code": "bank_card", "name": "银行卡"},
    ],
    "bands": [
        {"from": 0, "to": 10000, "amount": 1000},
        {"from": 10000, "to": 50000, "amount": 3000},
        {"from": 50000, "to": 100000, "amount": 5000},
        {"from": 100000, "to": None, "amount": 10000},
    ],
    "cap_per_year": 10000,
    "cutoff": "12-20",
    "warn_days": 15,
    "stage_days": STAGE_DAYS,
    "publicity_days": 5,
}

HARDSHIP_AID = {
    "eligible": ["hardship_household"],
    "facts": {"employed": "bool", "household_size": "int"},
    "materials": [
        {"code": "id_card", "name": "身份证"},
        {"code": "hukou", "name": "户口本"},
        {"code": "employer_letter", "name": "单位证明", "required_if": {"employed": True}},
        {"code": "bank_card", "name": "银行卡"},
        {"code": "union_letter", "name": "上级工会证明"},
    ],
    "bands": [{"from": 0, "to": None, "amount": 3000}],
    "cap_per_year": 6000,
    "cutoff": "12-20",
    "warn_days": 15,
    "stage_days": STAGE_DAYS,
    "publicity_days": 5,
}

MUTUAL_AID = {"deductible": 500, "ratio": "0.5", "cap_per_year": 20000}

DEFAULTS = [
    ("critical_illness", "大病慰问救助", CRITICAL_ILLNESS),
    ("hardship_aid", "困难职工帮扶", HARDSHIP_AID),
    ("mutual_aid", "在职职工医疗互助保障", MUTUAL_AID),
]
