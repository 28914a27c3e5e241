"""Executes every notebooks/*.ipynb headlessly against one results folder.

Writes, under --out: the executed copy <name>.ipynb, <name>.html, and every figure as
figures/<name>-<k>.png. The folder is handed to the notebooks in the RESULTS environment
variable. Exits 1 if any cell of any notebook raised (all notebooks are still run).
"""
import argparse, base64, multiprocessing, os, re, sys, time
from concurrent.futures import ProcessPoolExecutor
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
os.environ['RESULTS'] = str(Path(args.results).resolve())
os.environ.setdefault('MPLBACKEND', 'module://matplotlib_inline.backend_inline')
os.environ.setdefault('JUPYTER_PLATFORM_DIRS', '1')

def execute(path):
    """Runs one notebook and writes its executed copy, HTML and figures; returns (name, figures, seconds, error text or None)."""
    start = time.time()
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=args.timeout, kernel_name='python3',
                            resources={'metadata': {'path': str(path.parent)}})
    error = None
    try:
        client.execute()
    except CellExecutionError as e:
        # The last lines of the traceback name the cell's error.
        error = '\n'.join(re.sub(r'\x1b\[[0-9;]*m', '', str(e)).strip().splitlines()[-6:])
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
    return path.name, count, time.time() - start, error


if __name__ == '__main__':
    if not notebooks:
        print('notebooks: no notebooks/*.ipynb found', file=sys.stderr)
        sys.exit(1)
    figures.mkdir(parents=True, exist_ok=True)
    for old in figures.glob('*.png'):
        old.unlink()
    failed = []
    # Each notebook runs in its own kernel process and writes only its own files: two at a time use both cores,
    # where one at a time left one idle. Reports print in name order whatever finishes first.
    # Forked workers share this process's parsed arguments and never rerun the set-up above.
    with ProcessPoolExecutor(max_workers=min(2, os.cpu_count() or 1), mp_context=multiprocessing.get_context('fork')) as pool:
        for name, count, seconds, error in pool.map(execute, notebooks):
            if error is not None:
                failed.append(name)
                print(f'notebooks: {name} FAILED after {seconds:.1f} s:', file=sys.stderr)
                print(error, file=sys.stderr)
            else:
                print(f'notebooks: {name} ok, {count} figure{"s" if count != 1 else ""}, {seconds:.1f} s')
    if failed:
        print(f'notebooks: {len(failed)} of {len(notebooks)} failed: {", ".join(failed)} (executed copies in {out})', file=sys.stderr)
        sys.exit(1)
    print(f'notebooks: all {len(notebooks)} executed; HTML and executed copies in {out}, figures in {figures}')
