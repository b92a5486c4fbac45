/* The per-comment loops of the plain-comment path (moderation/rules/plain.py and the pattern
 * prefilter's any_match in phrases.py), and the function-word count of language detection for
 * an ASCII comment (moderation/languages/detect.py), in C.
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
#include <stdint.h>
#include <string.h>

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

/* Is there no element common to the two sets? (Iterates the smaller one.) -1 on error. */
static int
disjoint(PyObject *a, PyObject *b)
{
    if (PySet_GET_SIZE(a) > PySet_GET_SIZE(b)) {
        PyObject *t = a;
        a = b;
        b = t;
    }
    PyObject *it = PyObject_GetIter(a);
    if (!it)
        return -1;
    PyObject *item;
    int result = 1;
    while ((item = PyIter_Next(it))) {
        int found = PySet_Contains(b, item);
        Py_DECREF(item);
        if (found) {
            result = found < 0 ? -1 : 0;
            break;
        }
    }
    Py_DECREF(it);
    if (result == 1 && PyErr_Occurred())
        return -1;
    return result;
}

/* candidates(words, by_word, always, literals, triggers, stream) -> list of pattern positions
 *
 * The pattern prefilter of rules/phrases.py (any_match) in C: the patterns woken by a word of
 * the comment (by_word: word -> positions) or always run, whose literal (if any) occurs in the
 * stream and whose required word sets (if any) each meet the comment's words. Ascending order.
 */
static PyObject *
candidates(PyObject *self, PyObject *args)
{
    PyObject *words, *by_word, *always, *literals, *triggers, *stream;
    if (!PyArg_ParseTuple(args, "OO!O!O!O!U:candidates", &words, &PyDict_Type, &by_word,
                          &PyTuple_Type, &always, &PyTuple_Type, &literals, &PyTuple_Type,
                          &triggers, &stream))
        return NULL;
    if (!PyAnySet_Check(words)) {
        PyErr_SetString(PyExc_TypeError, "words must be a set or frozenset");
        return NULL;
    }
    Py_ssize_t n = PyTuple_GET_SIZE(literals);
    if (PyTuple_GET_SIZE(triggers) != n) {
        PyErr_SetString(PyExc_ValueError, "literals and triggers differ in length");
        return NULL;
    }
    char *woken = PyMem_Calloc(n ? n : 1, 1);
    if (!woken)
        return PyErr_NoMemory();
    PyObject *result = NULL;
    PyObject *it = PyObject_GetIter(words);
    if (!it)
        goto done;
    PyObject *word;
    while ((word = PyIter_Next(it))) {
        PyObject *positions = PyDict_GetItemWithError(by_word, word); /* borrowed */
        Py_DECREF(word);
        if (!positions) {
            if (PyErr_Occurred()) {
                Py_DECREF(it);
                goto done;
            }
            continue;
        }
        PyObject *seq = PySequence_Fast(positions, "positions must be a sequence");
        if (!seq) {
            Py_DECREF(it);
            goto done;
        }
        for (Py_ssize_t k = 0; k < PySequence_Fast_GET_SIZE(seq); k++) {
            Py_ssize_t i = PyLong_AsSsize_t(PySequence_Fast_GET_ITEM(seq, k));
            if (i < 0 || i >= n) {
                if (!PyErr_Occurred())
                    PyErr_SetString(PyExc_IndexError, "pattern position out of range");
                Py_DECREF(seq);
                Py_DECREF(it);
                goto done;
            }
            woken[i] = 1;
        }
        Py_DECREF(seq);
    }
    Py_DECREF(it);
    if (PyErr_Occurred())
        goto done;
    for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(always); k++) {
        Py_ssize_t i = PyLong_AsSsize_t(PyTuple_GET_ITEM(always, k));
        if (i < 0 || i >= n) {
            if (!PyErr_Occurred())
                PyErr_SetString(PyExc_IndexError, "pattern position out of range");
            goto done;
        }
        woken[i] = 1;
    }
    result = PyList_New(0);
    if (!result)
        goto done;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (!woken[i])
            continue;
        PyObject *literal = PyTuple_GET_ITEM(literals, i);
        if (literal != Py_None) {
            int has = PyUnicode_Contains(stream, literal);
            if (has < 0)
                goto fail;
            if (!has)
                continue;
        }
        PyObject *sets = PyTuple_GET_ITEM(triggers, i);
        int keep = 1;
        if (sets != Py_None) {
            if (!PyTuple_Check(sets)) {
                PyErr_SetString(PyExc_TypeError, "triggers must be tuples of sets");
                goto fail;
            }
            for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(sets); k++) {
                PyObject *t = PyTuple_GET_ITEM(sets, k);
                if (!PyAnySet_Check(t)) {
                    PyErr_SetString(PyExc_TypeError, "triggers must be tuples of sets");
                    goto fail;
                }
                int d = disjoint(t, words);
                if (d < 0)
                    goto fail;
                if (d) {
                    keep = 0;
                    break;
                }
            }
        }
        if (keep) {
            PyObject *pos = PyLong_FromSsize_t(i);
            if (!pos || PyList_Append(result, pos)) {
                Py_XDECREF(pos);
                goto fail;
            }
            Py_DECREF(pos);
        }
    }
    goto done;
fail:
    Py_CLEAR(result);
done:
    PyMem_Free(woken);
    return result;
}

#define IS_ASCII_LETTER(c) (((c) >= 'a' && (c) <= 'z') || ((c) >= 'A' && (c) <= 'Z'))

/* function_words(text, keys, values) -> ({language: count}, arabizi)
 *
 * The whole-comment step of language detection for an ASCII comment
 * (moderation/languages/detect.py, _latin): its words are its runs of ASCII letters, lower-cased;
 * each distinct word that is a function word counts 1.0 for every language of the tuple at its
 * key's position in ``values`` (the languages it is a function word of). ``keys`` is the function words packed as sorted
 * little-endian uint64s (a word of up to 8 letters, zero padded; longer words are never function
 * words), looked up by binary search without making a Python object per word. ``has_digit``:
 * whether the text has an ASCII digit (Arabizi is only looked for then). The pure-Python version
 * is detect._function_words_python (tests/languages/test_fast_detection.py checks they agree).
 */
static PyObject *
function_words(PyObject *self, PyObject *args)
{
    PyObject *text, *values;
    const char *keys;
    Py_ssize_t keys_len;
    if (!PyArg_ParseTuple(args, "Uy#O!:function_words", &text, &keys, &keys_len,
                          &PyTuple_Type, &values))
        return NULL;
    if (!PyUnicode_IS_ASCII(text)) {
        PyErr_SetString(PyExc_ValueError, "function_words takes ASCII text only");
        return NULL;
    }
    Py_ssize_t nkeys = keys_len / 8;
    if (keys_len % 8 || PyTuple_GET_SIZE(values) != nkeys) {
        PyErr_SetString(PyExc_ValueError, "keys must be 8 bytes per value");
        return NULL;
    }
    unsigned char *seen = PyMem_Calloc(nkeys ? nkeys : 1, 1);
    PyObject *found = PyDict_New();
    if (!seen || !found) {
        PyMem_Free(seen);
        Py_XDECREF(found);
        return PyErr_NoMemory();
    }
    const unsigned char *s = (const unsigned char *)PyUnicode_1BYTE_DATA(text);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    int arabizi = 0;
    Py_ssize_t i = 0;
    while (i < n) {
        unsigned char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) {
            if (!arabizi && (c == '2' || c == '3' || c == '5' || c == '7' || c == '9')
                && ((i > 0 && IS_ASCII_LETTER(s[i - 1]))
                    || (i + 1 < n && IS_ASCII_LETTER(s[i + 1]))))
                arabizi = 1;
            i++;
            continue;
        }
        uint64_t key = 0;
        Py_ssize_t len = 0;
        while (i < n) {
            c = s[i];
            if (c >= 'A' && c <= 'Z')
                c += 'a' - 'A';
            else if (!(c >= 'a' && c <= 'z'))
                break;
            if (len < 8)
                key |= (uint64_t)c << (8 * len);
            len++;
            i++;
        }
        if (len > 8)
            continue;
        Py_ssize_t lo = 0, hi = nkeys;
        while (lo < hi) {
            Py_ssize_t mid = (lo + hi) / 2;
            uint64_t k;
            memcpy(&k, keys + 8 * mid, 8);
            if (k < key)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo < nkeys && !seen[lo]) {
            uint64_t k;
            memcpy(&k, keys + 8 * lo, 8);
            if (k == key) {
                seen[lo] = 1;
                PyObject *langs = PyTuple_GET_ITEM(values, lo);
                if (!PyTuple_Check(langs)) {
                    PyErr_SetString(PyExc_TypeError, "values must be tuples of languages");
                    goto fail;
                }
                for (Py_ssize_t j = 0; j < PyTuple_GET_SIZE(langs); j++) {
                    PyObject *lang = PyTuple_GET_ITEM(langs, j);
                    PyObject *old = PyDict_GetItemWithError(found, lang);
                    double count = 1.0;
                    if (old != NULL)
                        count += PyFloat_AsDouble(old);
                    else if (PyErr_Occurred())
                        goto fail;
                    PyObject *value = PyFloat_FromDouble(count);
                    if (value == NULL || PyDict_SetItem(found, lang, value) < 0) {
                        Py_XDECREF(value);
                        goto fail;
                    }
                    Py_DECREF(value);
                }
            }
        }
    }
    PyMem_Free(seen);
    return Py_BuildValue("(NO)", found, arabizi ? Py_True : Py_False);
fail:
    PyMem_Free(seen);
    Py_DECREF(found);
    return NULL;
}

/* script_counts(text) -> (arabic, latin, cyrillic): how many of the text's characters are in
 * detect.py's _ARABIC_SCRIPT, _LATIN_LETTER and _CYRILLIC classes (the same ranges), counted in
 * one pass instead of three regex findall lists of one-character strings.
 */
static PyObject *
script_counts(PyObject *self, PyObject *args)
{
    PyObject *text;
    if (!PyArg_ParseTuple(args, "U:script_counts", &text))
        return NULL;
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t arabic = 0, latin = 0, cyrillic = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= 0xC0 && c <= 0x24F))
            latin++;
        else if ((c >= 0x600 && c <= 0x6FF) || (c >= 0x750 && c <= 0x77F)
                 || (c >= 0xFB50 && c <= 0xFDFF) || (c >= 0xFE70 && c <= 0xFEFF))
            arabic++;
        else if (c >= 0x400 && c <= 0x4FF)
            cyrillic++;
    }
    return Py_BuildValue("(nnn)", arabic, latin, cyrillic);
}

static PyMethodDef methods[] = {
    {"candidates", candidates, METH_VARARGS,
     "candidates(words, by_word, always, literals, triggers, stream) -> pattern positions"},
    {"scan", scan, METH_VARARGS,
     "scan(folded, cache) -> (codes, stream, terms, marks), or the list of uncached chunks"},
    {"function_words", function_words, METH_VARARGS,
     "function_words(text, keys, values) -> ({language: function words}, arabizi)"},
    {"script_counts", script_counts, METH_VARARGS,
     "script_counts(text) -> (Arabic-script, Latin-letter, Cyrillic characters)"},
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
