"""Executes every notebooks/*.ipynb headlessly against one results folder.

Writes, under --out: the executed copy <name>.ipynb, <name>.html, and every figure as
figures/<name>-<k>.png. The folder is handed to the notebooks in the RESULTS environment
variable. Exits 1 if any cell of any notebook raised (all notebooks are still run).
"""
import argparse, base64, os, re, sys, time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from nbconvert import HTMLExporter

ap = argparse.ArgumentParser()
ap.add_argument('--results', required=True)
ap.add_argument('--out', required=True)
ap.add_argument('--timeout', type=int, default=300, help='seconds per cell')
args = ap.parse_args()

root = Path(__file__).resolve().parent.parent
notebooks = sorted((root / 'notebooks').glob('*.ipynb'))
out = Path(args.out).resolve()
figures = out / 'figures'
figures.mkdir(parents=True, exist_ok=True)
for old in figures.glob('*.png'):
    old.unlink()
os.environ['RESULTS'] = str(Path(args.results).resolve())
os.environ.setdefault('MPLBACKEND', 'module://matplotlib_inline.backend_inline')
os.environ.setdefault('JUPYTER_PLATFORM_DIRS', '1')

failed = []
for path in notebooks:
    start = time.time()
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=args.timeout, kernel_name='python3',
                            resources={'metadata': {'path': str(path.parent)}})
    error = None
    try:
        client.execute()
    except CellExecutionError as e:
        error = e
    nbformat.write(nb, out / path.name)
    body, _ = HTMLExporter().from_notebook_node(nb)
    (out / (path.stem + '.html')).write_text(body, encoding='utf-8')
    count = 0
    for cell in nb.cells:
        for output in cell.get('outputs', []):
            png = output.get('data', {}).get('image/png')
            if png:
                count += 1
                (figures / f'{path.stem}-{count}.png').write_bytes(base64.b64decode(png))
    if error is not None:
        failed.append(path.name)
        # The last lines of the traceback name the cell's error.
        print(f'notebooks: {path.name} FAILED after {time.time() - start:.1f} s:', file=sys.stderr)
        plain = re.sub(r'\x1b\[[0-9;]*m', '', str(error)).strip()
        print('\n'.join(plain.splitlines()[-6:]), file=sys.stderr)
    else:
        print(f'notebooks: {path.name} ok, {count} figure{"s" if count != 1 else ""}, {time.time() - start:.1f} s')

if not notebooks:
    print('notebooks: no notebooks/*.ipynb found', file=sys.stderr)
    sys.exit(1)
if failed:
    print(f'notebooks: {len(failed)} of {len(notebooks)} failed: {", ".join(failed)} (executed copies in {out})', file=sys.stderr)
    sys.exit(1)
print(f'notebooks: all {len(notebooks)} executed; HTML and executed copies in {out}, figures in {figures}')
