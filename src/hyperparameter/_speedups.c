/* Compiled fast paths of the scope engine: building, entering and leaving a
 * scope, naming a key through accessors, and reading a key with a default.
 *
 * Each function here does exactly what the pure-Python code it replaces does
 * in its common case, and hands every other case to that Python code, so the
 * two can never disagree: the Python modules stay the definition. Which cases
 * are handled here is written at the top of each function.
 *
 * The Python objects this file works with (the ContextVar, the Level class,
 * the fallbacks, ...) are handed over once by configure(), called from
 * hyperparameter._acceleration at import.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <frameobject.h>
#include <structmember.h>

static PyObject *current;          /* ContextVar holding the innermost Level */
static PyTypeObject *level_type;   /* _levels.Level */
static PyTypeObject *scope_type;   /* _scope.Scope: inherits */
static PyTypeObject *detached_type;/* _scope._DetachedScope: does not inherit */
static PyTypeObject *key_type;     /* _accessor._Key: accessors */
static int64_t interpreter = -1;   /* the ID of the one interpreter this state belongs to */
static PyObject *unpinned;         /* _levels.UNPINNED */
static PyObject *absent;           /* _levels.ABSENT */
static PyObject *contextlib_globals;
static PyObject *checked_keys;     /* _keys._checked: keys known to be valid */
static PyObject *plain_types;      /* _keys._PLAIN_TYPES: values never flattened */
static PyObject *required;         /* _accessor.REQUIRED: a read without a default */
static PyObject *python_enter, *python_leave, *python_collect, *python_read, *python_forget;
static PyTypeObject *record_level_type; /* _levels.RecordLevel: a level inside hp.record() */
static PyObject *python_first_read;     /* _levels.first_read */
static PyObject *records_key;           /* _levels.RECORDS: where a recording level keeps its records */
static PyObject *empty_tuple;
static PyObject *dot;              /* ".", joining the segments of a key */
static PyObject *getattr_name, *getattribute_name;  /* "__getattr__", "__getattribute__" */
/* While a generator has a scope block open: _generators._blocks, its innermost
 * level by generator frame, which visible_level() consults; NULL otherwise. */
static PyObject *generator_blocks;
/* With more open generators than this, visible_level() walks the stack at once
 * (as _generators.running_generator does). */
#define SCAN_LIMIT 16

/* Byte offsets of __slots__ members, read from their member descriptors. */
static Py_ssize_t level_parent, level_own, level_owner, level_restore_to, level_frame, level_rememberers;
static Py_ssize_t scope_values, key_name;

#define GENERATOR_FLAGS (CO_GENERATOR | CO_ASYNC_GENERATOR)

#if PY_VERSION_HEX < 0x030A0000
static inline PyObject *
Py_NewRef(PyObject *object)
{
    Py_INCREF(object);
    return object;
}
#endif

static inline PyObject *
slot_get(PyObject *obj, Py_ssize_t offset)  /* borrowed; NULL when unset */
{
    return *(PyObject **)((char *)obj + offset);
}

static inline void
slot_set(PyObject *obj, Py_ssize_t offset, PyObject *value)
{
    PyObject **address = (PyObject **)((char *)obj + offset);
    PyObject *old = *address;
    Py_INCREF(value);
    *address = value;
    Py_XDECREF(old);
}

/* func(self, *args, **keywords) for a vectorcall's arguments: how the compiled
 * methods hand a call they do not handle to the Python code. */
static PyObject *
call_with_self(PyObject *func, PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *keywords)
{
    PyObject *small[6];
    PyObject **call_args = small;
    Py_ssize_t total = nargs + (keywords == NULL ? 0 : PyTuple_GET_SIZE(keywords));
    if (total + 1 > 6 && (call_args = PyMem_Malloc((size_t)(total + 1) * sizeof(PyObject *))) == NULL) {
        return PyErr_NoMemory();
    }
    call_args[0] = self;
    for (Py_ssize_t i = 0; i < total; i++) {
        call_args[i + 1] = args[i];
    }
    PyObject *result = PyObject_Vectorcall(func, call_args, (size_t)nargs + 1, keywords);
    if (call_args != small) {
        PyMem_Free(call_args);
    }
    return result;
}

/* _generators.find_visible: the level the calling code sees, the innermost level of
 * the innermost generator with an open block running on this stack (unless
 * the context's level was entered on top of it, marked with that generator),
 * else the context's. Runs no Python code: frames hash and compare by identity. */
static PyObject *
visible_level(void)  /* new reference */
{
    PyObject *raw;
    if (PyContextVar_Get(current, NULL, &raw) < 0) {
        return NULL;
    }
    PyObject *blocks = generator_blocks;
    if (blocks == NULL || PyDict_GET_SIZE(blocks) == 0) {
        return raw;
    }
    if (PyDict_GET_SIZE(blocks) <= SCAN_LIMIT) {
        /* A paused generator's frame has no caller: with none running, the context decides. */
        Py_ssize_t position = 0;
        PyObject *frame, *level;
        int running = 0;
        while (!running && PyDict_Next(blocks, &position, &frame, &level)) {
            PyFrameObject *back = PyFrame_GetBack((PyFrameObject *)frame);
            running = back != NULL;
            Py_XDECREF(back);
        }
        if (!running) {
            return raw;
        }
    }
    PyFrameObject *frame = PyEval_GetFrame();  /* borrowed */
    Py_XINCREF(frame);
    while (frame != NULL) {
        PyObject *level = PyDict_GetItemWithError(blocks, (PyObject *)frame);  /* borrowed */
        if (level != NULL) {
            PyObject *seen = slot_get(raw, level_frame) == (PyObject *)frame ? raw : level;
            Py_INCREF(seen);
            Py_DECREF(frame);
            Py_DECREF(raw);
            return seen;
        }
        if (PyErr_Occurred()) {
            Py_DECREF(frame);
            Py_DECREF(raw);
            return NULL;
        }
        PyFrameObject *back = PyFrame_GetBack(frame);
        Py_DECREF(frame);
        frame = back;
    }
    return raw;
}

static PyObject *
current_level(void)  /* new reference */
{
    if (generator_blocks != NULL) {
        return visible_level();
    }
    PyObject *level;
    if (PyContextVar_Get(current, NULL, &level) < 0) {
        return NULL;
    }
    return level;  /* the variable has a default, so never NULL without an error */
}

static PyObject *
visible(PyObject *Py_UNUSED(module), PyObject *Py_UNUSED(ignored))
{
    if (current == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "hyperparameter._speedups is not configured");
        return NULL;
    }
    return visible_level();
}

/* Whether the code running the `with` is ordinary code: not a generator (whose
 * block needs a GeneratorLevel) and not contextlib driving a context manager. */
static int
entered_from_plain_code(void)
{
    PyFrameObject *frame = PyEval_GetFrame();  /* borrowed */
    if (frame == NULL) {
        return 0;
    }
    PyCodeObject *code = PyFrame_GetCode(frame);
    int flags = code->co_flags;
    Py_DECREF(code);
    if (flags & GENERATOR_FLAGS) {
        return 0;
    }
#if PY_VERSION_HEX >= 0x030B0000
    PyObject *globals = PyFrame_GetGlobals(frame);
    Py_DECREF(globals);  /* only compared by identity; the frame keeps it alive */
#else
    PyObject *globals = frame->f_globals;
#endif
    return globals != contextlib_globals;
}

/* Scope.__enter__. Handled here: a Scope or _DetachedScope entered by ordinary
 * code while an ordinary level is current and no generator has a block open. */
static PyObject *
scope_enter(PyObject *owner, PyObject *Py_UNUSED(ignored))
{
    PyTypeObject *owner_type = Py_TYPE(owner);
    if ((owner_type != scope_type && owner_type != detached_type) || generator_blocks != NULL) {
        return PyObject_CallOneArg(python_enter, owner);
    }
    PyObject *raw = current_level();
    if (raw == NULL) {
        return NULL;
    }
    PyObject *own = slot_get(owner, scope_values);
    if (Py_TYPE(raw) != level_type || raw == unpinned || own == NULL || !entered_from_plain_code()) {
        Py_DECREF(raw);
        return PyObject_CallOneArg(python_enter, owner);
    }
    Py_INCREF(own);  /* the merge may run a key's __eq__, which may rebind owner._values */
    PyObject *level = level_type->tp_new(level_type, empty_tuple, NULL);
    if (level == NULL || PyDict_Update(level, own) < 0) {
        Py_XDECREF(level);
        Py_DECREF(own);
        Py_DECREF(raw);
        return NULL;
    }
    /* The merge may have run a key's __eq__ that cleared the scope (making it detached). */
    slot_set(level, level_parent, Py_TYPE(owner) == scope_type ? raw : Py_None);
    slot_set(level, level_own, own);
    slot_set(level, level_owner, owner);
    slot_set(level, level_restore_to, raw);
    slot_set(level, level_frame, Py_None);
    slot_set(level, level_rememberers, Py_None);
    Py_DECREF(own);
    Py_DECREF(raw);
    PyObject *token = PyContextVar_Set(current, level);
    Py_DECREF(level);
    if (token == NULL) {
        return NULL;
    }
    Py_DECREF(token);
    Py_INCREF(owner);
    return owner;
}

/* Scope.__exit__. Handled here: leaving the block that is current, called
 * with the three positional arguments a with statement passes, while no
 * generator has a block open. When something remembers answers for the level
 * it leaves, _levels.forget tells it. */
static PyObject *
scope_leave(PyObject *owner, PyObject *const *args, Py_ssize_t nargs, PyObject *keywords)
{
    if (generator_blocks != NULL) {
        return call_with_self(python_leave, owner, args, nargs, keywords);
    }
    PyObject *level = current_level();
    if (level == NULL) {
        return NULL;
    }
    if (nargs == 3 && keywords == NULL && PyObject_TypeCheck(level, level_type)
        && slot_get(level, level_owner) == owner && slot_get(level, level_restore_to) != NULL) {
        PyObject *token = PyContextVar_Set(current, slot_get(level, level_restore_to));
        if (token == NULL) {
            Py_DECREF(level);
            return NULL;
        }
        Py_DECREF(token);
        PyObject *rememberers = slot_get(level, level_rememberers);
        if (rememberers != NULL && rememberers != Py_None) {
            PyObject *done = PyObject_CallOneArg(python_forget, level);
            Py_DECREF(level);
            if (done == NULL) {
                return NULL;
            }
            Py_DECREF(done);
            Py_RETURN_NONE;
        }
        Py_DECREF(level);
        Py_RETURN_NONE;
    }
    Py_DECREF(level);
    return call_with_self(python_leave, owner, args, nargs, keywords);
}

/* hp.scope(...). Handled here: keywords only, every key a plain str already checked and
 * every value of a type that is never flattened; else _keys.collect decides. */
static PyObject *
build_scope(PyObject *Py_UNUSED(module), PyObject *args, PyObject *kwargs)
{
    if (scope_type == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "hyperparameter._speedups is not configured");
        return NULL;
    }
    if (kwargs != NULL && !PyArg_ValidateKeywordArguments(kwargs)) {
        return NULL;
    }
    /* A private copy, as Python's **kwargs is: nothing the checks below run can change it. */
    PyObject *values = kwargs == NULL ? PyDict_New() : PyDict_Copy(kwargs);
    if (values == NULL) {
        return NULL;
    }
    int plain = PyTuple_GET_SIZE(args) == 0;
    Py_ssize_t position = 0;
    PyObject *key, *value;
    while (plain == 1 && PyDict_Next(values, &position, &key, &value)) {
        /* Only a plain str: a subclass's __hash__ and __eq__ could fool the set. */
        plain = PyUnicode_CheckExact(key) ? PySet_Contains(checked_keys, key) : 0;
        if (plain == 1) {
            plain = PySet_Contains(plain_types, (PyObject *)Py_TYPE(value));
        }
    }
    if (plain < 0) {
        Py_DECREF(values);
        return NULL;
    }
    if (!plain) {
        Py_SETREF(values, PyObject_CallFunctionObjArgs(python_collect, args, values, NULL));
        if (values == NULL) {
            return NULL;
        }
    }
    PyObject *scope = scope_type->tp_alloc(scope_type, 0);
    if (scope != NULL) {
        slot_set(scope, scope_values, values);
    }
    Py_DECREF(values);
    return scope;
}

/* level[key] for a RecordLevel: a hit is the usual dict lookup; a miss is the
 * first read of the key at this level, which _levels.first_read resolves and
 * records, told the read's default (which dict's __missing__ could not pass). */
static PyObject *
recorded_get(PyObject *level, PyObject *key, PyObject *fallback)  /* new reference */
{
    PyObject *value = PyDict_GetItemWithError(level, key);
    if (value != NULL) {
        return Py_NewRef(value);
    }
    if (PyErr_Occurred()) {
        return NULL;
    }
    return PyObject_CallFunctionObjArgs(python_first_read, level, key, fallback, NULL);
}

/* level[key]. For a plain Level, whose [] is dict's (configure checks it), a
 * resolved key is one dict lookup: a dict subclass's [] otherwise goes through
 * Python's generic slot, which looks __getitem__ up on every read. A key not
 * resolved yet takes the full [] (Level.__missing__ resolves it). */
static PyObject *
level_get(PyObject *level, PyObject *key)  /* new reference */
{
    if (Py_TYPE(level) == level_type) {
        PyObject *value = PyDict_GetItemWithError(level, key);
        if (value != NULL) {
            return Py_NewRef(value);
        }
        if (PyErr_Occurred()) {
            return NULL;
        }
    }
    return PyObject_GetItem(level, key);
}

/* CurrentKey.__call__ and __or__: `hp.scope.a.b(default)`, `hp.scope.a.b()` and
 * `hp.scope.a.b | default`. Handled here: a value needing no conversion, a
 * conversion the level remembers, and a missing key read with a default
 * (not a dict: a dict-valued key gathers the keys under it, see _mappings);
 * other conversions, errors and calls with keywords are Python's. */
static PyObject *
read_current(PyObject *accessor, PyObject *const *args, Py_ssize_t nargs, PyObject *keywords)
{
    PyObject *key = slot_get(accessor, key_name);
    if (keywords != NULL || nargs > 1 || key == NULL) {
        return call_with_self(python_read, accessor, args, nargs, keywords);
    }
    PyObject *fallback = nargs == 1 ? args[0] : required;
    PyObject *level = current_level();
    if (level == NULL) {
        return NULL;
    }
    if (level == unpinned
        || (Py_TYPE(level) != level_type && Py_TYPE(level) != record_level_type && records_key != NULL
            && PyDict_Check(level))) {
        /* A context's first read (it pins the baseline, which may be recording) or a generator's
         * level inside hp.record(): a first read there needs the default, which only the
         * Python read hands on (through its frame). */
        int recording = level == unpinned || PyDict_Contains(level, records_key);
        if (recording != 0) {
            Py_DECREF(level);
            return recording < 0 ? NULL : call_with_self(python_read, accessor, args, nargs, NULL);
        }
    }
    Py_INCREF(key);  /* the lookup may run Python code (a resolution, a generator's level) */
    PyObject *value = Py_TYPE(level) == record_level_type ? recorded_get(level, key, fallback)
                                                          : level_get(level, key);
    if (value == NULL) {
        Py_DECREF(key);
        Py_DECREF(level);
        return NULL;
    }
    PyObject *result = NULL;
    if (value == absent) {
        if (fallback != required && !PyDict_CheckExact(fallback)) {  /* a dict default gathers: Python's */
            result = Py_NewRef(fallback);
        }
    }
    else if (Py_TYPE(value) == Py_TYPE(fallback) || fallback == Py_None || fallback == required) {
        result = Py_NewRef(value);
    }
    else if (PyUnicode_CheckExact(value) && (Py_TYPE(level) == level_type || Py_TYPE(level) == record_level_type)
             && level != unpinned
             && Py_IS_TYPE(Py_TYPE(fallback), &PyType_Type)) {
        /* A conversion this level remembers (see _levels.convert_once), stored
         * under the default's type, whose hash runs no Python code. */
        PyObject *conversions = PyDict_GetItemWithError(level, (PyObject *)Py_TYPE(fallback));
        if (conversions != NULL && PyDict_CheckExact(conversions)) {
            Py_INCREF(conversions);
            PyObject *converted = PyDict_GetItemWithError(conversions, key);
            if (converted != NULL) {
                result = Py_NewRef(converted);
            }
            Py_DECREF(conversions);
        }
    }
    Py_DECREF(value);
    Py_DECREF(key);
    Py_DECREF(level);
    if (result != NULL || PyErr_Occurred()) {
        return result;
    }
    return call_with_self(python_read, accessor, args, nargs, NULL);
}

static PyMethodDef scope_enter_def = {"__enter__", (PyCFunction)scope_enter, METH_NOARGS,
    "Make the scope's values current until the with block ends."};
static PyMethodDef scope_leave_def = {"__exit__", (PyCFunction)(void (*)(void))scope_leave,
    METH_FASTCALL | METH_KEYWORDS, "Restore what was current before the with block."};
static PyMethodDef read_or_def = {"__or__", (PyCFunction)(void (*)(void))read_current,
    METH_FASTCALL | METH_KEYWORDS,
    "The key's current value converted to the default's type, or the default when unset."};
static PyMethodDef read_call_def = {"__call__", (PyCFunction)(void (*)(void))read_current,
    METH_FASTCALL | METH_KEYWORDS,
    "The key's current value converted to the default's type, the default when unset, "
    "MissingParameterError when unset and no default is given."};

/* The call slot of a class whose __call__ is the compiled read (see direct_call):
 * the same read, reached without looking __call__ up and re-packing the
 * arguments on every call. A call with keywords is the Python read's. */
static PyObject *
read_call_slot(PyObject *accessor, PyObject *args, PyObject *kwargs)
{
    if (kwargs != NULL && PyDict_GET_SIZE(kwargs) != 0) {
        PyObject *bound = PyMethod_New(python_read, accessor);
        if (bound == NULL) {
            return NULL;
        }
        PyObject *result = PyObject_Call(bound, args, kwargs);
        Py_DECREF(bound);
        return result;
    }
    return read_current(accessor, &PyTuple_GET_ITEM(args, 0), PyTuple_GET_SIZE(args), NULL);
}

static int
slot_offset(PyTypeObject *owner, const char *name, Py_ssize_t *offset)
{
    PyObject *descriptor = PyObject_GetAttrString((PyObject *)owner, name);
    if (descriptor == NULL) {
        return -1;
    }
    int is_member = Py_IS_TYPE(descriptor, &PyMemberDescr_Type);
    if (is_member) {
        PyMemberDef *member = ((PyMemberDescrObject *)descriptor)->d_member;
        is_member = member->type == T_OBJECT_EX;
        *offset = member->offset;
    }
    Py_DECREF(descriptor);
    if (!is_member) {
        PyErr_Format(PyExc_TypeError, "%s.%s is not a __slots__ member", owner->tp_name, name);
        return -1;
    }
    return 0;
}

/* 1 when cls[key] is dict's (level_get relies on it), 0 with TypeError set when not, -1 on error. */
static int
subscript_is_dicts(PyTypeObject *cls)
{
    PyObject *own = PyObject_GetAttrString((PyObject *)cls, "__getitem__");
    PyObject *dicts = own == NULL ? NULL : PyObject_GetAttrString((PyObject *)&PyDict_Type, "__getitem__");
    int same = own == dicts;
    Py_XDECREF(own);
    if (dicts == NULL) {
        return -1;
    }
    Py_DECREF(dicts);
    if (!same || !PyType_IsSubtype(cls, &PyDict_Type)) {
        PyErr_Format(PyExc_TypeError, "%s must be a dict whose [] is dict's", cls->tp_name);
        return 0;
    }
    return 1;
}

static void
keep(PyObject **target, PyObject *value)
{
    Py_INCREF(value);
    Py_XSETREF(*target, value);
}

static int
keep_type(PyTypeObject **target, PyObject *value)
{
    if (!PyType_Check(value)) {
        PyErr_SetString(PyExc_TypeError, "expected a class");
        return -1;
    }
    Py_INCREF(value);
    Py_XSETREF(*target, (PyTypeObject *)value);
    return 0;
}

static PyObject *
configure(PyObject *Py_UNUSED(module), PyObject *args, PyObject *kwargs)
{
    static char *names[] = {"current", "Level", "Scope", "DetachedScope", "Key", "UNPINNED", "ABSENT",
                            "contextlib_globals", "checked_keys", "plain_types",
                            "REQUIRED", "enter", "leave", "collect", "read", "forget", NULL};
    PyObject *var, *level, *scope, *detached, *key, *unpinned_, *absent_, *globals, *checked, *plain;
    PyObject *required_, *enter, *leave, *collect, *read, *forget;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "$OOOOOOOO!O!O!OOOOOO:configure", names,
                                     &var, &level, &scope, &detached, &key, &unpinned_, &absent_,
                                     &PyDict_Type, &globals, &PySet_Type, &checked, &PyFrozenSet_Type, &plain,
                                     &required_, &enter, &leave, &collect, &read, &forget)) {
        return NULL;
    }
    if (!PyContextVar_CheckExact(var)) {
        PyErr_SetString(PyExc_TypeError, "current must be a ContextVar");
        return NULL;
    }
    /* IDs, unlike interpreter addresses, are never reused within a process. */
    if (interpreter != -1 && interpreter != PyInterpreterState_GetID(PyInterpreterState_Get())) {
        /* Its state is this file's globals: it can serve one interpreter only. */
        PyErr_SetString(PyExc_ImportError, "hyperparameter._speedups serves another interpreter");
        return NULL;
    }
    if (!PyType_Check(level)) {
        PyErr_SetString(PyExc_TypeError, "expected a class");
        return NULL;
    }
    if (subscript_is_dicts((PyTypeObject *)level) <= 0) {  /* before anything is kept */
        return NULL;
    }
    if (keep_type(&level_type, level) < 0 || keep_type(&scope_type, scope) < 0
        || keep_type(&detached_type, detached) < 0 || keep_type(&key_type, key) < 0) {
        return NULL;
    }
    if (slot_offset(level_type, "parent", &level_parent) < 0
        || slot_offset(level_type, "own", &level_own) < 0
        || slot_offset(level_type, "owner", &level_owner) < 0
        || slot_offset(level_type, "restore_to", &level_restore_to) < 0
        || slot_offset(level_type, "frame", &level_frame) < 0
        || slot_offset(level_type, "rememberers", &level_rememberers) < 0
        || slot_offset(scope_type, "_values", &scope_values) < 0
        || slot_offset(key_type, "_hp_key", &key_name) < 0) {
        return NULL;
    }
    interpreter = PyInterpreterState_GetID(PyInterpreterState_Get());
    keep(&current, var);
    keep(&unpinned, unpinned_);
    keep(&absent, absent_);
    keep(&contextlib_globals, globals);
    keep(&checked_keys, checked);
    keep(&plain_types, plain);
    keep(&python_enter, enter);
    keep(&python_leave, leave);
    keep(&python_collect, collect);
    keep(&required, required_);
    keep(&python_read, read);
    keep(&python_forget, forget);
    Py_RETURN_NONE;
}

/* Hand over what reads inside hp.record() need: the RecordLevel class and first_read. */
static PyObject *
configure_record(PyObject *Py_UNUSED(module), PyObject *args, PyObject *kwargs)
{
    static char *names[] = {"RecordLevel", "first_read", "RECORDS", NULL};
    PyObject *level, *first_read, *records;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "$OOO:configure_record", names, &level, &first_read,
                                     &records)) {
        return NULL;
    }
    if (level_type == NULL || !PyType_Check(level) || !PyType_IsSubtype((PyTypeObject *)level, level_type)) {
        PyErr_SetString(PyExc_TypeError, "RecordLevel must be a subclass of the configured Level (configure first)");
        return NULL;
    }
    keep(&python_first_read, first_read);
    keep(&records_key, records);
    return keep_type(&record_level_type, level) < 0 ? NULL : Py_NewRef(Py_None);
}

/* Hand over _generators._blocks while generators have blocks open (None: none has):
 * reads then see what visible_level() finds, and enter and leave are Python's. */
static PyObject *
use_generator_blocks(PyObject *Py_UNUSED(module), PyObject *blocks)
{
    if (blocks == Py_None) {
        Py_CLEAR(generator_blocks);
    }
    else if (!PyDict_CheckExact(blocks)) {
        PyErr_SetString(PyExc_TypeError, "the generators' blocks must be a dict or None");
        return NULL;
    }
    else {
        keep(&generator_blocks, blocks);
    }
    Py_RETURN_NONE;
}

static PyObject *
method(PyObject *Py_UNUSED(module), PyObject *args)
{
    const char *name;
    PyTypeObject *owner;
    if (!PyArg_ParseTuple(args, "sO!:method", &name, &PyType_Type, &owner)) {
        return NULL;
    }
    struct { PyMethodDef *definition; PyTypeObject **base; } methods[] = {
        {&scope_enter_def, &scope_type}, {&scope_leave_def, &scope_type},
        {&read_or_def, &key_type}, {&read_call_def, &key_type},
    };
    for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++) {
        if (strcmp(methods[i].definition->ml_name, name) != 0) {
            continue;
        }
        if (*methods[i].base == NULL || !PyType_IsSubtype(owner, *methods[i].base)) {
            PyErr_Format(PyExc_TypeError, "the compiled %s is not for %s (configure first)", name, owner->tp_name);
            return NULL;
        }
        return PyDescr_NewMethod(owner, methods[i].definition);
    }
    PyErr_Format(PyExc_KeyError, "no compiled method %s", name);
    return NULL;
}

/* The attribute slot of an accessor class (see direct_getattr): what Python's
 * generic slot for a class with a __getattr__ does, without looking
 * __getattribute__ and __getattr__ up on every access. An attribute found the
 * usual way (a child accessor, cached in the instance's dict) is returned, else
 * __getattr__(name) answers. */
static PyObject *
child_getattro(PyObject *self, PyObject *name)
{
    PyObject *found = _PyObject_GenericGetAttrWithDict(self, name, NULL, 1);
    if (found != NULL || PyErr_Occurred()) {
        return found;
    }
    PyObject *getattr = _PyType_Lookup(Py_TYPE(self), getattr_name);  /* borrowed */
    if (getattr == NULL) {
        PyErr_Format(PyExc_AttributeError, "'%.100s' object has no attribute '%U'", Py_TYPE(self)->tp_name, name);
        return NULL;
    }
    Py_INCREF(getattr);
    descrgetfunc get = Py_TYPE(getattr)->tp_descr_get;
    PyObject *bound = get == NULL ? Py_NewRef(getattr) : get(getattr, self, (PyObject *)Py_TYPE(self));
    Py_DECREF(getattr);
    if (bound == NULL) {
        return NULL;
    }
    PyObject *result = PyObject_CallOneArg(bound, name);
    Py_DECREF(bound);
    return result;
}

/* direct_getattr(cls): point the attribute slot of cls, a class with a Python
 * __getattr__ and object's __getattribute__, at child_getattro. Assigning either
 * of the two on cls resets the slot, as for any class; subclasses get Python's. */
static PyObject *
direct_getattr(PyObject *Py_UNUSED(module), PyObject *owner)
{
    if (!PyType_Check(owner) || !(((PyTypeObject *)owner)->tp_flags & Py_TPFLAGS_HEAPTYPE)) {
        PyErr_SetString(PyExc_TypeError, "direct_getattr takes a class defined in Python");
        return NULL;
    }
    PyTypeObject *cls = (PyTypeObject *)owner;
    PyObject *getattribute = _PyType_Lookup(cls, getattribute_name);  /* borrowed */
    PyObject *generic = _PyType_Lookup(&PyBaseObject_Type, getattribute_name);
    PyObject *getattr = _PyType_Lookup(cls, getattr_name);
    if (getattribute != generic || getattr == NULL || !PyFunction_Check(getattr)) {
        PyErr_Format(PyExc_TypeError, "%s must have object's __getattribute__ and a Python __getattr__",
                     cls->tp_name);
        return NULL;
    }
    cls->tp_getattro = child_getattro;
    Py_RETURN_NONE;
}

/* direct_call(cls): point the call slot of cls, whose __call__ must already be
 * the compiled read, straight at that read. Python's generic call slot looks
 * __call__ up and re-packs the arguments on every call; this one reads
 * without that. Assigning cls.__call__ again resets the slot, as for any class. */
static PyObject *
direct_call(PyObject *Py_UNUSED(module), PyObject *owner)
{
    if (key_type == NULL || !PyType_Check(owner) || !PyType_IsSubtype((PyTypeObject *)owner, key_type)) {
        PyErr_SetString(PyExc_TypeError, "direct_call takes an accessor class (configure first)");
        return NULL;
    }
    PyTypeObject *cls = (PyTypeObject *)owner;
    PyObject *call = cls->tp_dict == NULL ? NULL : PyDict_GetItemString(cls->tp_dict, "__call__");
    if (call == NULL || !Py_IS_TYPE(call, &PyMethodDescr_Type)
        || ((PyMethodDescrObject *)call)->d_method != &read_call_def) {
        PyErr_Format(PyExc_TypeError, "%s.__call__ is not the compiled read", cls->tp_name);
        return NULL;
    }
    cls->tp_call = read_call_slot;
    Py_RETURN_NONE;
}

/* The C interface for other compiled code (the Rust crate's `python` feature):
 * the capsule hyperparameter._speedups._C_API points at a table of functions.
 * The table starts with its version and size, so a newer library can append
 * entries and an older reader still finds the ones it knows. Every function
 * needs the caller to hold the GIL. lookup() answers what a read of the key
 * sees in the calling thread's current scope (its context: thread isolation,
 * asyncio tasks and frozen() as the Python read has them), the value as it is
 * stored; the reader converts it with the library's table (the Rust crate
 * checks its copy against the shared vectors in tests/data). */
#define C_API_VERSION 1

enum c_api_kind {
    C_API_MISSING = 0,  /* the key is not set */
    C_API_BOOL = 1,     /* integer: 0 or 1 */
    C_API_INT = 2,      /* integer; text holds the digits when it does not fit 64 bits */
    C_API_FLOAT = 3,    /* number */
    C_API_STR = 4,      /* text: the string */
    C_API_OBJECT = 5,   /* text: str() of any other object */
    C_API_ERROR = 6,    /* text: why the lookup failed */
};

typedef struct {
    int32_t kind;
    int64_t integer;
    double number;
    const char *text;      /* UTF-8, text_length bytes, alive until release() */
    Py_ssize_t text_length;
    PyObject *owner;       /* what keeps text alive */
} c_api_value;

typedef struct {
    uint32_t version;
    uint32_t size;
    /* Fill *out with the key's value; 0, or -1 with kind C_API_ERROR. */
    int (*lookup)(const char *key, Py_ssize_t key_length, c_api_value *out);
    /* Release what lookup() handed out (its text). */
    void (*release)(c_api_value *value);
    /* 1 when the library's compiled paths are in use (configure() ran), else 0. */
    int (*ready)(void);
} c_api_table;

static int
c_api_text(c_api_value *out, PyObject *text_object)  /* steals text_object */
{
    if (text_object == NULL) {
        return -1;
    }
    out->text = PyUnicode_AsUTF8AndSize(text_object, &out->text_length);
    if (out->text == NULL) {
        Py_DECREF(text_object);
        return -1;
    }
    out->owner = text_object;
    return 0;
}

static int
c_api_fill(PyObject *value, c_api_value *out)
{
    if (PyBool_Check(value)) {
        out->kind = C_API_BOOL;
        out->integer = value == Py_True;
        return 0;
    }
    if (PyLong_Check(value)) {
        int overflow = 0;
        out->kind = C_API_INT;
        out->integer = PyLong_AsLongLongAndOverflow(value, &overflow);
        if (out->integer == -1 && PyErr_Occurred()) {
            return -1;
        }
        return overflow ? c_api_text(out, PyObject_Str(value)) : 0;
    }
    if (PyFloat_Check(value)) {
        out->kind = C_API_FLOAT;
        out->number = PyFloat_AS_DOUBLE(value);
        return 0;
    }
    out->kind = PyUnicode_Check(value) ? C_API_STR : C_API_OBJECT;
    return c_api_text(out, PyObject_Str(value));
}

static void
c_api_release(c_api_value *value)
{
    Py_CLEAR(value->owner);
    value->text = NULL;
    value->text_length = 0;
}

static int
c_api_error(c_api_value *out)  /* turns the raised exception into the answer */
{
    c_api_release(out);
#if PY_VERSION_HEX >= 0x030C0000
    PyObject *error = PyErr_GetRaisedException();
#else
    PyObject *type, *error, *traceback;
    PyErr_Fetch(&type, &error, &traceback);
    PyErr_NormalizeException(&type, &error, &traceback);
    Py_XDECREF(type);
    Py_XDECREF(traceback);
#endif
    PyObject *message = error != NULL ? PyObject_Str(error) : NULL;
    Py_XDECREF(error);
    out->kind = C_API_ERROR;
    if (c_api_text(out, message) < 0) {
        PyErr_Clear();
        out->text = "the lookup failed and its error could not be described";
        out->text_length = (Py_ssize_t)strlen(out->text);
    }
    return -1;
}

static int
c_api_lookup(const char *key, Py_ssize_t key_length, c_api_value *out)
{
    memset(out, 0, sizeof *out);
    if (current == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "hyperparameter._speedups is not configured");
        return c_api_error(out);
    }
    PyObject *name = PyUnicode_DecodeUTF8(key, key_length, NULL);
    if (name == NULL) {
        return c_api_error(out);
    }
    PyObject *level = current_level();
    PyObject *value = level == NULL ? NULL : level_get(level, name);
    Py_XDECREF(level);
    Py_DECREF(name);
    if (value == NULL) {
        return c_api_error(out);
    }
    int status = value == absent ? 0 : c_api_fill(value, out);
    Py_DECREF(value);
    return status < 0 ? c_api_error(out) : 0;
}

static int
c_api_ready(void)
{
    return current != NULL;
}

static c_api_table c_api = {C_API_VERSION, sizeof(c_api_table), c_api_lookup, c_api_release, c_api_ready};

/* prefix + key: for two ASCII str (nearly every key of a config file) one allocation
 * and two copies; anything else as Python's + does it. */
static PyObject *
join_key(PyObject *prefix, PyObject *key)
{
    if (PyUnicode_CheckExact(prefix) && PyUnicode_CheckExact(key) && PyUnicode_IS_COMPACT_ASCII(prefix)
        && PyUnicode_IS_COMPACT_ASCII(key)) {
        Py_ssize_t head = PyUnicode_GET_LENGTH(prefix), tail = PyUnicode_GET_LENGTH(key);
        PyObject *joined = PyUnicode_New(head + tail, 127);
        if (joined != NULL) {
            memcpy(PyUnicode_1BYTE_DATA(joined), PyUnicode_1BYTE_DATA(prefix), (size_t)head);
            memcpy(PyUnicode_1BYTE_DATA(joined) + head, PyUnicode_1BYTE_DATA(key), (size_t)tail);
        }
        return joined;
    }
    return PyNumber_Add(prefix, key);
}

/* join_into(flat, values, prefix): _keys._join_into, the dotted keys of a loaded
 * config's tree. Every case is handled here: a non-empty dict (exactly a dict,
 * as the Python code tests) is descended into, anything else is a value; a
 * mapping of another type at the top is read through its items(). */
static int
join_tree(PyObject *flat, PyObject *values, PyObject *prefix)
{
    if (Py_EnterRecursiveCall(" while joining the keys of a config")) {
        return -1;
    }
    PyObject *items = NULL;
    if (!PyDict_CheckExact(values)) {
        items = PyMapping_Items(values);
        if (items == NULL) {
            Py_LeaveRecursiveCall();
            return -1;
        }
    }
    Py_ssize_t position = 0, count = items != NULL ? PyList_GET_SIZE(items) : 0;
    PyObject *key, *value;
    int status = 0;
    for (;;) {
        if (items == NULL) {
            if (!PyDict_Next(values, &position, &key, &value)) {
                break;
            }
        }
        else {
            if (position >= count) {
                break;
            }
            PyObject *pair = PyList_GET_ITEM(items, position++);
            if (!PyTuple_Check(pair) || PyTuple_GET_SIZE(pair) != 2) {
                PyErr_SetString(PyExc_TypeError, "items() must give (key, value) pairs");
                status = -1;
                break;
            }
            key = PyTuple_GET_ITEM(pair, 0);
            value = PyTuple_GET_ITEM(pair, 1);
        }
        Py_INCREF(key);  /* both held across calls that may run Python code */
        Py_INCREF(value);
        PyObject *full = join_key(prefix, key);
        if (full == NULL) {
            status = -1;
        }
        else if (PyDict_CheckExact(value) && PyDict_GET_SIZE(value) > 0) {
            PyObject *inner = join_key(full, dot);
            status = inner == NULL ? -1 : join_tree(flat, value, inner);
            Py_XDECREF(inner);
        }
        else {
            status = PyDict_SetItem(flat, full, value);
        }
        Py_XDECREF(full);
        Py_DECREF(key);
        Py_DECREF(value);
        if (status < 0) {
            break;
        }
    }
    Py_XDECREF(items);
    Py_LeaveRecursiveCall();
    return status;
}

/* deeper_than(data, limit): _config_json._deeper_than, whether dicts and lists (exactly
 * those types) nest more than limit levels below data. Only type tests run during the
 * walk, never Python code, so the borrowed references stay valid. */
static int
nests_deeper(PyObject *container, Py_ssize_t level, Py_ssize_t limit)
{
    if (level > limit) {
        return 1;
    }
    if (Py_EnterRecursiveCall(" while measuring the nesting of a config")) {
        return -1;
    }
    int found = 0;
    if (PyDict_CheckExact(container)) {
        Py_ssize_t position = 0;
        PyObject *key, *value;
        while (!found && PyDict_Next(container, &position, &key, &value)) {
            if (PyDict_CheckExact(value) || PyList_CheckExact(value)) {
                found = nests_deeper(value, level + 1, limit);
            }
        }
    }
    else {
        for (Py_ssize_t index = 0; !found && index < PyList_GET_SIZE(container); index++) {
            PyObject *item = PyList_GET_ITEM(container, index);
            if (PyDict_CheckExact(item) || PyList_CheckExact(item)) {
                found = nests_deeper(item, level + 1, limit);
            }
        }
    }
    Py_LeaveRecursiveCall();
    return found;
}

static PyObject *
deeper_than(PyObject *Py_UNUSED(module), PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2) {
        PyErr_SetString(PyExc_TypeError, "deeper_than(data, limit) takes two arguments");
        return NULL;
    }
    Py_ssize_t limit = PyLong_AsSsize_t(args[1]);
    if (limit == -1 && PyErr_Occurred()) {
        return NULL;
    }
    if (!PyDict_CheckExact(args[0]) && !PyList_CheckExact(args[0])) {
        Py_RETURN_FALSE;
    }
    int found = nests_deeper(args[0], 0, limit);
    if (found < 0) {
        return NULL;
    }
    return PyBool_FromLong(found);
}

static PyObject *
join_into(PyObject *Py_UNUSED(module), PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 3 || !PyDict_Check(args[0])) {
        PyErr_SetString(PyExc_TypeError, "join_into(flat, values, prefix): flat must be a dict");
        return NULL;
    }
    if (join_tree(args[0], args[1], args[2]) < 0) {
        return NULL;
    }
    Py_RETURN_NONE;
}

static PyMethodDef module_functions[] = {
    {"configure", (PyCFunction)(void (*)(void))configure, METH_VARARGS | METH_KEYWORDS,
     "Hand over the Python objects the fast paths work with."},
    {"configure_record", (PyCFunction)(void (*)(void))configure_record, METH_VARARGS | METH_KEYWORDS,
     "Hand over the level class and the function of reads inside hp.record()."},
    {"use_generator_blocks", (PyCFunction)use_generator_blocks, METH_O,
     "use_generator_blocks(blocks): the open generators' levels by frame, or None when there are none."},
    {"visible", (PyCFunction)visible, METH_NOARGS,
     "visible(): the level the calling code sees (_generators.find_visible)."},
    {"method", (PyCFunction)method, METH_VARARGS,
     "method(name, cls): the compiled __enter__, __exit__, __or__ or __call__ as a method of cls."},
    {"deeper_than", (PyCFunction)(void (*)(void))deeper_than, METH_FASTCALL,
     "deeper_than(data, limit, /): whether dicts and lists nest more than limit levels below data "
     "(_config_json._deeper_than)."},
    {"direct_call", (PyCFunction)direct_call, METH_O,
     "direct_call(cls, /): call cls's instances straight through the compiled read, its __call__."},
    {"direct_getattr", (PyCFunction)direct_getattr, METH_O,
     "direct_getattr(cls, /): find cls's instances' attributes, else ask its __getattr__, in one step."},
    {"join_into", (PyCFunction)(void (*)(void))join_into, METH_FASTCALL,
     "join_into(flat, values, prefix, /): add the dotted keys of the tree values to flat (_keys._join_into)."},
    {"build_scope", (PyCFunction)(void (*)(void))build_scope, METH_VARARGS | METH_KEYWORDS,
     "build_scope($module, /, *args, **kwargs)\n--\n\n"
     "hp.scope(...): build a Scope from \"key=value\" strings, mappings and keywords."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module_definition = {
    PyModuleDef_HEAD_INIT, "hyperparameter._speedups",
    "Compiled fast paths of the scope engine (see hyperparameter._acceleration).", -1, module_functions,
};

PyMODINIT_FUNC
PyInit__speedups(void)
{
    empty_tuple = PyTuple_New(0);
    dot = PyUnicode_InternFromString(".");
    getattr_name = PyUnicode_InternFromString("__getattr__");
    getattribute_name = PyUnicode_InternFromString("__getattribute__");
    if (empty_tuple == NULL || dot == NULL || getattr_name == NULL || getattribute_name == NULL) {
        return NULL;
    }
    PyObject *module = PyModule_Create(&module_definition);
    /* The version of configure()'s contract; _acceleration ignores a build of another one. */
    if (module != NULL && PyModule_AddIntConstant(module, "INTERFACE", 7) < 0) {
        Py_CLEAR(module);
    }
    if (module != NULL) {
        PyObject *capsule = PyCapsule_New(&c_api, "hyperparameter._speedups._C_API", NULL);
        if (capsule == NULL || PyModule_AddObject(module, "_C_API", capsule) < 0) {
            Py_XDECREF(capsule);
            Py_CLEAR(module);
        }
    }
    return module;
}
