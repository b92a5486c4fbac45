/* The per-comment loop of the plain-comment path (moderation/rules/plain.py), in C.
 *
 * scan(folded, cache) walks the whitespace-separated chunks of a folded comment and looks each
 * one up in the chunk cache that plain.py fills: a dict chunk -> (code, fragment, terms, marks).
 * It returns (codes, stream, terms, marks): the codes and marks joined, the non-empty fragments
 * joined with spaces, and the union of the terms as a set. If some chunks are not cached yet it
 * returns the list of those chunks instead, so that Python works them out and calls again.
 *
 * Nothing here decides anything: it is the same loop plain.py runs in Python when this module
 * is not built (tests/engine/test_plain.py checks that both give the same views). Written in C
 * because this loop runs for nearly every comment and the interpreter's per-chunk overhead was
 * most of the rule layer's cost.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

static PyObject *
scan(PyObject *self, PyObject *args)
{
    PyObject *folded, *cache;
    if (!PyArg_ParseTuple(args, "UO!:scan", &folded, &PyDict_Type, &cache))
        return NULL;

    Py_ssize_t n = PyUnicode_GET_LENGTH(folded);
    int kind = PyUnicode_KIND(folded);
    const void *data = PyUnicode_DATA(folded);

    PyObject *codes = PyList_New(0);
    PyObject *fragments = PyList_New(0);
    PyObject *marks = PyList_New(0);
    PyObject *terms = PySet_New(NULL);
    PyObject *missing = NULL;
    PyObject *result = NULL;
    if (!codes || !fragments || !marks || !terms)
        goto done;

    Py_ssize_t i = 0;
    while (i < n) {
        while (i < n && Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, i)))
            i++;
        if (i >= n)
            break;
        Py_ssize_t j = i;
        while (j < n && !Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, j)))
            j++;
        PyObject *chunk = PyUnicode_Substring(folded, i, j);
        if (!chunk)
            goto done;
        i = j;
        PyObject *info = PyDict_GetItemWithError(cache, chunk); /* borrowed */
        if (!info) {
            if (PyErr_Occurred()) {
                Py_DECREF(chunk);
                goto done;
            }
            if (!missing && !(missing = PyList_New(0))) {
                Py_DECREF(chunk);
                goto done;
            }
            int failed = PyList_Append(missing, chunk);
            Py_DECREF(chunk);
            if (failed)
                goto done;
            continue;
        }
        Py_DECREF(chunk);
        if (missing)
            continue; /* only collecting the chunks still to work out */
        if (!PyTuple_Check(info) || PyTuple_GET_SIZE(info) != 4) {
            PyErr_SetString(PyExc_TypeError, "chunk cache values must be 4-tuples");
            goto done;
        }
        PyObject *code = PyTuple_GET_ITEM(info, 0);
        PyObject *fragment = PyTuple_GET_ITEM(info, 1);
        PyObject *chunk_terms = PyTuple_GET_ITEM(info, 2);
        PyObject *chunk_marks = PyTuple_GET_ITEM(info, 3);
        if (!PyUnicode_Check(code) || !PyUnicode_Check(fragment) || !PyTuple_Check(chunk_terms)
                || !PyUnicode_Check(chunk_marks)) {
            PyErr_SetString(PyExc_TypeError, "chunk cache value of the wrong shape");
            goto done;
        }
        if (PyUnicode_GET_LENGTH(code) && PyList_Append(codes, code))
            goto done;
        if (PyUnicode_GET_LENGTH(fragment) && PyList_Append(fragments, fragment))
            goto done;
        if (PyUnicode_GET_LENGTH(chunk_marks) && PyList_Append(marks, chunk_marks))
            goto done;
        Py_ssize_t nt = PyTuple_GET_SIZE(chunk_terms);
        for (Py_ssize_t k = 0; k < nt; k++) {
            if (PySet_Add(terms, PyTuple_GET_ITEM(chunk_terms, k)))
                goto done;
        }
    }

    if (missing) {
        result = missing;
        missing = NULL;
        goto done;
    }
    PyObject *empty = PyUnicode_FromStringAndSize("", 0);
    PyObject *space = PyUnicode_FromStringAndSize(" ", 1);
    if (!empty || !space) {
        Py_XDECREF(empty);
        Py_XDECREF(space);
        goto done;
    }
    PyObject *code_str = PyUnicode_Join(empty, codes);
    PyObject *stream = PyUnicode_Join(space, fragments);
    PyObject *marks_str = PyUnicode_Join(empty, marks);
    Py_DECREF(empty);
    Py_DECREF(space);
    if (code_str && stream && marks_str)
        result = PyTuple_Pack(4, code_str, stream, terms, marks_str);
    Py_XDECREF(code_str);
    Py_XDECREF(stream);
    Py_XDECREF(marks_str);

done:
    Py_XDECREF(codes);
    Py_XDECREF(fragments);
    Py_XDECREF(marks);
    Py_XDECREF(terms);
    Py_XDECREF(missing);
    return result;
}

static PyMethodDef methods[] = {
    {"scan", scan, METH_VARARGS,
     "scan(folded, cache) -> (codes, stream, terms, marks), or the list of uncached chunks"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_plainscan",
    "The per-comment chunk loop of moderation.rules.plain, in C.", -1, methods,
};

PyMODINIT_FUNC
PyInit__plainscan(void)
{
    return PyModule_Create(&module);
}
