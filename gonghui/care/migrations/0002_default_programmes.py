"""The programmes every installation starts with (a copy of care/programmes.py as it
was then, so later edits of that module do not rewrite history)."""

from django.db import migrations

PROGRAMMES = [('critical_illness',
  '大病慰问救助',
  {'eligible': ['member', 'hardship_household'],
   'facts': {'employed': 'bool', 'hospitalised': 'bool', 'out_of_pocket': 'money'},
   'materials': [{'code': 'id_card', 'name': '身份证'},
                 {'code': 'diagnosis', 'name': '诊断证明'},
                 {'code': 'invoices',
                  'name': '住院发票或费用清单',
                  'required_if': {'hospitalised': True}},
                 {'code': 'employer_letter',
                  'name': '单位证明',
                  'required_if': {'employed': True}},
                 {'code': 'bank_card', 'name': '银行卡'}],
   'bands': [{'from': 0, 'to': 10000, 'amount': 1000},
             {'from': 10000, 'to': 50000, 'amount': 3000},
             {'from': 50000, 'to': 100000, 'amount': 5000},
             {'from': 100000, 'to': None, 'amount': 10000}],
   'cap_per_year': 10000,
   'cutoff': '12-20',
   'warn_days': 15,
   'stage_days': {'grassroots': 5, 'street': 5, 'district': 7},
   'publicity_days': 5}),
 ('hardship_aid',
  '困难职工帮扶',
  {'eligible': ['hardship_household'],
   'facts': {'employed': 'bool', 'household_size': 'int'},
   'materials': [{'code': 'id_card', 'name': '身份证'},
                 {'code': 'hukou', 'name': '户口本'},
                 {'code': 'employer_letter',
                  'name': '单位证明',
                  'required_if': {'employed': True}},
                 {'code': 'bank_card', 'name': '银行卡'},
                 {'code': 'union_letter', 'name': '上级工会证明'}],
   'bands': [{'from': 0, 'to': None, 'amount': 3000}],
   'cap_per_year': 6000,
   'cutoff': '12-20',
   'warn_days': 15,
   'stage_days': {'grassroots': 5, 'street': 5, 'district': 7},
   'publicity_days': 5}),
 ('mutual_aid', '在职职工医疗互助保障', {'deductible': 500, 'ratio': '0.5', 'cap_per_year': 20000})]


def add(apps, schema_editor):
    Programme = apps.get_model("care", "Programme")
    for code, name, rules in PROGRAMMES:
        Programme.objects.get_or_create(code=code, defaults={"name": name, "rules": rules})


class Migration(migrations.Migration):
    dependencies = [("care", "0001_initial")]

    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
