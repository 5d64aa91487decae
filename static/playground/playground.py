# The playground's Python (playground.js starts it on the runtime chosen): it hands the page the
# function that answers, oneflow_web.explain.explain_json, which `oneflow-web preview` also runs.
import sys

from pyscript import window
from pyscript.ffi import create_proxy

from oneflow_web.explain import explain_json

name = "micropython" if sys.implementation.name == "micropython" else "pyodide"
window.oneflowPlayground.ready(name, create_proxy(explain_json))
