# The main script of the Web Worker in worker mode (thread "worker"): PyScript runs it beside
# the page, with the oneflow_web package, and the loader talks to it through worker.sync.
from oneflow_web.worker import serve

serve()
