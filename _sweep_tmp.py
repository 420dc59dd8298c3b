import sys
sys.argv.append("--none")
from gonghui.triage import evaluate
evaluate.setup()
from gonghui.knowledge import annotated, search
from gonghui.triage import data
every = annotated.rows(); test = data.test_ids()
base = search.build_index(annotated=[])
split_idx = search.build_index(annotated=[r for r in every if r.id not in test])
test_rows = [r for r in every if r.id in test]
folds = [(f, search.build_index(annotated=[r for r in every if r.id not in {x.id for x in f}])) for f in evaluate.statute_folds(every)]
def kf():
    s=[0,0,0]
    for f, idx in folds:
        fig=evaluate.statute_figures(f, idx); s=[a+b for a,b in zip(s,fig["sums"])]
    n=len(every); return tuple(round(x/n,3) for x in s)
def one(idx, rows):
    f=evaluate.statute_figures(rows, idx); return (f["recall_at_5"], f["hit_at_5"], f["mrr_at_20"])
print("rows", len(every), "test", len(test_rows))
for strip in (False, True):
    search.STRIP_BOILERPLATE = strip
    search.VOTE_WEIGHT = 0
    print("strip", strip, "baseline", one(base, every))
    for w in (0.5, 1.0, 2.0, 4.0):
        for top in (3, 5, 10, 20):
            search.VOTE_WEIGHT = w; search.VOTE_TOP = top
            print("strip", strip, "w", w, "top", top, "split", one(split_idx, test_rows), "kfold", kf(), flush=True)
