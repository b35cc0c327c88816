"""Checks every use of the core's API in the iOS app against the generated Swift bindings.

There is no Swift compiler on Linux, so a misspelled core method, a wrong argument label,
an enum case that does not exist or a record field that was renamed in Rust would only
show up on a Mac. This script catches those with tree-sitter-swift:

1. From the generated BranchbookCore.swift and BranchbookTypes.swift it collects the public API: types (classes,
   records, enums, errors, protocols, type aliases), their methods, static constructors
   and initialisers with argument labels (and which have defaults), enum cases with the
   labels of their values, record fields, top-level functions, and whether each throws.
2. It reads the app's own declarations (types with their typed properties and methods,
   and members the app adds to core types in extensions).
3. It walks the app code following types the way the compiler would, as far as it can
   without one: declared types of properties, parameters and locals, the return types of
   core calls, optional chaining and unwrapping, `if let`/`guard let`, `for ... in`,
   closures over arrays (`ForEach(items) { item in }`, `items.map { $0.name }`), `switch`
   and `if case` over core enums, `catch` of core errors.
4. Every member access or call whose receiver is a core type, every call of a core
   function or initialiser, and every implicit member (`.text(value:)`, `.homeTitle`)
   where a core enum is expected, is listed and compared with the bindings:
   - the member must exist (a method, field, enum case or static of that type, or a
     member the app itself adds in an extension);
   - the argument labels must match a declaration (in order; arguments with defaults may
     be left out), and patterns must bind as many values as the case has;
   - a call that throws must be under `try`;
   - a `switch` over a core enum must name every case unless it has a `default`, a
     wildcard or a binding (the compiler's exhaustiveness rule, so a case added in Rust
     is caught here);
   - an app class adopting a core callback protocol must implement each requirement
     with the same labels;
   - every type name the app mentions must be declared by the app, by the bindings, or
     be one of the platform names in platform_names.txt (so a misspelled core type does
     not silently stop the checking of everything typed by it).

What it cannot see: types it cannot follow (a value the app does not declare a type
for and that does not come from a core call) are skipped, argument types other than
enum cases are not compared, and nothing of SwiftUI itself is checked. A Mac build is
still the final word; this catches drift between the Rust API and the Swift app early.

Usage: check_core_calls.py --bindings BranchbookCore.swift --bindings BranchbookTypes.swift
                           [--platform-names FILE]
                           [--list FILE] APP_FILE...
Exit status 1 when a problem is found; problems go to stderr as path:line:col: message.
"""

import argparse
import difflib
import re
import sys
from dataclasses import dataclass, field

import tree_sitter
import tree_sitter_swift

UNKNOWN_ATTRIBUTE = b"@_documentation(visibility: private)"
PARSER = tree_sitter.Parser(tree_sitter.Language(tree_sitter_swift.language()))

# Module prefixes the bindings write on standard types.
MODULE_PREFIX = re.compile(r"\b(?:Swift|Foundation)\.")

# Closure-taking members of arrays whose closure receives one element.
ELEMENT_CLOSURES = {
    "map", "compactMap", "flatMap", "filter", "forEach", "first", "last", "contains",
    "allSatisfy", "firstIndex", "lastIndex", "sorted", "min", "max", "reduce", "drop",
    "prefix", "partition", "removeAll",
}
# Array members whose type follows from the element type.
ARRAY_MEMBERS = {"first": "{e}?", "last": "{e}?", "filter": "[{e}]", "sorted": "[{e}]",
                 "reversed": "[{e}]", "randomElement": "{e}?", "min": "{e}?", "max": "{e}?"}
# Views whose first argument is a collection and whose content closure gets an element.
COLLECTION_VIEWS = {"ForEach", "List", "Table"}
# Scope boundaries for the `try` check: a `try` outside them does not cover a call inside.
TRY_BOUNDARIES = {"lambda_literal", "function_declaration", "init_declaration", "computed_property",
                  "computed_getter", "computed_setter", "class_body", "source_file"}


# ---------------------------------------------------------------------------------------
# Types and declarations
# ---------------------------------------------------------------------------------------

def norm_type(text):
    """A type as comparable text: no spaces, no `Swift.`/`Foundation.` prefixes."""
    return MODULE_PREFIX.sub("", re.sub(r"\s+", "", text))


def function_params(t):
    """The parameter types of a function type (`@escaping (Branchbook) throws -> T`), or []."""
    t = re.sub(r"^(@\w+)+", "", t or "")
    if not t.startswith("(") or "->" not in t:
        return []
    depth, items, current = 0, [], ""
    for ch in t:
        if ch in "([<":
            depth += 1
            if depth == 1 and ch == "(":
                continue
        elif ch in ")]>":
            depth -= 1
            if depth == 0:
                items.append(current)
                break
        if ch == "," and depth == 1:
            items.append(current)
            current = ""
        else:
            current += ch
    return [re.sub(r"^\w+:", "", item) for item in items if item]


def base(t):
    """The type without optionality (`Question?` -> `Question`)."""
    while t and t[-1] in "?!":
        t = t[:-1]
    if t and t.startswith("Optional<") and t.endswith(">"):
        return base(t[len("Optional<"):-1])
    return t


def element(t):
    """The element type of an array type (`[Question]?` -> `Question`), else None."""
    t = base(t or "")
    if t.startswith("[") and t.endswith("]"):
        inner, depth = t[1:-1], 0
        for ch in inner:
            depth += ch in "[(<"
            depth -= ch in "])>"
            if ch == ":" and depth == 0:
                return None  # a dictionary
        return inner
    return None


@dataclass
class Param:
    """One parameter: its argument label (None for `_`), type and whether it has a default."""
    label: object
    type: object
    has_default: bool = False


@dataclass
class Sig:
    """A callable: parameters, result type, whether it throws; `owner.name` for messages."""
    owner: str
    name: str
    params: list
    returns: object = None
    throws: bool = False

    def shape(self):
        labels = label_list(p.label for p in self.params)
        return f"{self.owner}.{self.name}({labels})" if self.owner else f"{self.name}({labels})"


@dataclass
class TypeInfo:
    """What is known of a type: its kind and members."""
    name: str
    kind: str  # class, struct, enum, protocol, extension (of a type not declared here)
    origin: str  # core or app
    fields: dict = field(default_factory=dict)  # name -> type
    methods: dict = field(default_factory=dict)  # name -> [Sig]
    statics: dict = field(default_factory=dict)  # name -> [Sig] (static funcs) or type
    inits: list = field(default_factory=list)  # [Sig]
    cases: dict = field(default_factory=dict)  # name -> [Param] (value labels and types)
    conforms: list = field(default_factory=list)
    app_members: set = field(default_factory=set)  # members added by the app's extensions

    def members(self):
        return set(self.fields) | set(self.methods) | set(self.statics) | set(self.cases) | self.app_members


@dataclass
class Api:
    """Declarations of one side (the bindings or the app)."""
    types: dict = field(default_factory=dict)
    functions: dict = field(default_factory=dict)  # name -> [Sig]
    aliases: dict = field(default_factory=dict)  # name -> type
    globals: dict = field(default_factory=dict)  # name -> type


class Source:
    """A parsed file."""

    def __init__(self, path, data=None):
        self.path = path
        raw = data if data is not None else open(path, "rb").read()
        self.private_doc = [m.end() for m in re.finditer(re.escape(UNKNOWN_ATTRIBUTE), raw)]
        self.bytes = raw.replace(UNKNOWN_ATTRIBUTE, b" " * len(UNKNOWN_ATTRIBUTE))
        self.tree = PARSER.parse(self.bytes)

    def text(self, node):
        return self.bytes[node.start_byte:node.end_byte].decode("utf-8", "replace")

    def hidden(self, node):
        """True for a declaration uniffi marks `@_documentation(visibility: private)`."""
        for end in self.private_doc:
            between = self.bytes[end:node.start_byte]
            if end <= node.start_byte and re.fullmatch(rb"\s*(#endif\s*)?", between):
                return True
        return False


def children(node, kind=None):
    return [c for c in node.named_children if kind is None or c.type == kind]


def modifiers(src, node):
    mods = children(node, "modifiers")
    return src.text(mods[0]).split() if mods else []


def is_public(src, node):
    mods = modifiers(src, node)
    return "public" in mods or "open" in mods


def type_text(src, node):
    return norm_type(src.text(node)) if node is not None else None


def return_type(src, node):
    """The type after `->` in a function declaration."""
    seen_arrow = False
    for c in node.children:
        if c.type == "->":
            seen_arrow = True
        elif seen_arrow and c.is_named:
            return type_text(src, c)
    return None


def parameters(src, node):
    """The parameters of a function or initialiser declaration, defaults included."""
    out = []
    for c in node.children:
        if c.type == "parameter":
            names = [n for n in c.children if n.type == "simple_identifier"]
            external = c.child_by_field_name("external_name")
            label = src.text(external) if external is not None else (src.text(names[-1]) if names else None)
            types = [n for n in c.named_children if n.type != "simple_identifier" and n.type != "attribute"
                     and n.type != "parameter_modifiers"]
            out.append(Param(None if label == "_" else label, type_text(src, types[-1]) if types else None))
        elif node.field_name_for_child(list(node.children).index(c)) == "default_value" and out:
            out[-1].has_default = True
    return out


def throws(node):
    return any(c.type == "throws" for c in node.children)


def declared_name(src, node):
    name = node.child_by_field_name("name")
    return src.text(name).strip("`") if name is not None else None


def property_names(src, node):
    """Names bound by a property declaration (`let a: T`, `var (a, b) = ...` gives a, b)."""
    names = []
    for pat in node.children_by_field_name("name"):
        if pat.type == "pattern":
            names += [src.text(b) for b in pat.children_by_field_name("bound_identifier")]
            names += [src.text(b) for b in pat.named_children if b.type == "simple_identifier"]
    return list(dict.fromkeys(names))


def property_type(src, node):
    ann = children(node, "type_annotation")
    if ann:
        t = ann[0].child_by_field_name("name")
        return type_text(src, t)
    return None


def enum_cases(src, entry):
    """The cases of one `case a, b(x: T)` line with their value labels and types."""
    out = {}
    last = None
    for c in entry.named_children:
        fname = entry.field_name_for_child(list(entry.children).index(c))
        if fname == "name":
            last = src.text(c)
            out[last] = []
        elif fname == "data_contents" and last is not None:
            label = None
            kids = list(c.children)
            for i, k in enumerate(kids):
                if k.type == "simple_identifier" and i + 1 < len(kids) and kids[i + 1].type == ":":
                    label = src.text(k)
                elif k.is_named and "comment" not in k.type:
                    out[last].append(Param(label, type_text(src, k)))
                    label = None
    return out


def collect(src, api, origin, core_types=None):
    """Adds the declarations of `src` to `api`. For the bindings only public ones count;
    app extensions of core types record their members on the core type."""
    public_only = origin == "core"

    def visible(node):
        return not public_only or (is_public(src, node) and not src.hidden(node))

    def member(info, m):
        kind = m.type
        static = any(w in ("static", "class") for w in modifiers(src, m))
        if kind in ("property_declaration", "protocol_property_declaration"):
            if info.kind != "protocol" and not visible(m):
                return
            t = property_type(src, m) or infer_literal_type(src, m)
            for n in property_names(src, m):
                (info.statics if static else info.fields)[n] = t
                info.app_members.add(n) if info.origin != origin else None
        elif kind in ("function_declaration", "protocol_function_declaration"):
            if info.kind != "protocol" and not visible(m):
                return
            name = declared_name(src, m)
            if not name or not re.match(r"[A-Za-z_]", name):
                return
            sig = Sig(info.name, name, parameters(src, m), return_type(src, m), throws(m))
            (info.statics if static else info.methods).setdefault(name, []).append(sig)
            info.app_members.add(name) if info.origin != origin else None
        elif kind == "init_declaration":
            if not visible(m):
                return
            info.inits.append(Sig(info.name, "init", parameters(src, m), info.name, throws(m)))
        elif kind == "enum_entry":
            for name, params in enum_cases(src, m).items():
                info.cases[name] = params
                info.app_members.add(name) if info.origin != origin else None
        elif kind in ("class_declaration", "protocol_declaration"):
            declaration(m)

    def declaration(node):
        kind = node.type
        if kind in ("class_declaration", "protocol_declaration"):
            decl_kind = node.child_by_field_name("declaration_kind")
            dk = src.text(decl_kind) if decl_kind is not None else "protocol"
            name = base(type_text(src, node.child_by_field_name("name")) or "")
            name = re.sub(r"<.*>$", "", name)
            if not name or (dk != "extension" and not visible(node)):
                return
            if dk == "extension":
                info = api.types.get(name) or (core_types or {}).get(name)
                if info is None:
                    info = api.types.setdefault(name, TypeInfo(name, "extension", origin))
            else:
                info = api.types.setdefault(name, TypeInfo(name, dk, origin))
                if info.kind == "extension":
                    info.kind = dk
            for spec in children(node, "inheritance_specifier"):
                info.conforms.append(base(type_text(src, spec.child_by_field_name("inherits_from"))))
            body = node.child_by_field_name("body")
            for m in (body.named_children if body is not None else []):
                member(info, m)
        elif kind == "function_declaration" and visible(node):
            name = declared_name(src, node)
            api.functions.setdefault(name, []).append(
                Sig("", name, parameters(src, node), return_type(src, node), throws(node)))
        elif kind == "typealias_declaration" and visible(node):
            names = node.children_by_field_name("name")
            if len(names) == 2:
                api.aliases[src.text(names[0])] = type_text(src, names[1])
        elif kind == "property_declaration" and visible(node):
            for n in property_names(src, node):
                api.globals[n] = property_type(src, node) or infer_literal_type(src, node)

    for node in src.tree.root_node.named_children:
        declaration(node)


def infer_literal_type(src, decl):
    """The type of `let x = Foo(...)` / `= "text"` when written that way (else None)."""
    value = decl.child_by_field_name("value")
    if value is None:
        return None
    if value.type == "line_string_literal":
        return "String"
    if value.type == "boolean_literal":
        return "Bool"
    if value.type == "integer_literal":
        return "Int"
    if value.type == "call_expression" and value.named_children[0].type == "simple_identifier":
        name = src.text(value.named_children[0])
        if name[:1].isupper():
            return name
    return None


# ---------------------------------------------------------------------------------------
# Checking the app
# ---------------------------------------------------------------------------------------

@dataclass
class Report:
    problems: list = field(default_factory=list)
    calls: list = field(default_factory=list)

    def problem(self, src, node, message):
        line, col = node.start_point
        entry = f"{src.path}:{line + 1}:{col + 1}: {message}"
        if entry not in self.problems:
            self.problems.append(entry)

    def call(self, src, node, what):
        line, _ = node.start_point
        entry = f"{src.path}:{line + 1}: {what}"
        if entry not in self.calls:
            self.calls.append(entry)


def suggest(name, candidates):
    close = difflib.get_close_matches(name, sorted(candidates), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def label_list(labels):
    """`a:_:b:` for the labels of a call or declaration."""
    return "".join(f"{label or '_'}:" for label in labels)


def labels_match(sig, labels):
    """Whether call labels fit the parameters (in order, defaulted ones may be skipped)."""
    i = 0
    for p in sig.params:
        if i < len(labels) and labels[i] == p.label:
            i += 1
        elif not p.has_default:
            return False
    return i == len(labels)


def bind_args(sig, labels):
    """The parameter each argument goes to (by label order), or None."""
    out, i = [], 0
    for p in sig.params:
        if i < len(labels) and labels[i] == p.label:
            out.append(p)
            i += 1
    return out + [None] * (len(labels) - len(out))


class Checker:
    def __init__(self, core, app, platform, report):
        self.core = core
        self.app = app
        self.platform = platform
        self.report = report
        self.src = None
        self.scopes = []
        self.self_type = None
        self.returns = None

    # -- names and types ------------------------------------------------------------

    def resolve(self, t):
        """Follows core type aliases (`Uuid` -> `String`)."""
        seen = 0
        while t and base(t) in self.core.aliases and seen < 5:
            suffix = t[len(base(t)):]
            t = self.core.aliases[base(t)] + suffix
            seen += 1
        return t

    def core_type(self, t):
        t = self.resolve(t)
        if not t:
            return None
        info = self.core.types.get(base(t))
        return info if info is not None and info.origin == "core" else None

    def app_type(self, t):
        info = self.app.types.get(base(t or ""))
        return info if info is not None and info.origin == "app" else None

    def app_member(self, type_name, name, seen=None):
        """A member of app type `type_name` or of an app type it inherits from:
        ("field", type) or ("method", [Sig]), else None."""
        seen = seen or set()
        info = self.app.types.get(base(type_name or ""))
        if info is None or info.name in seen:
            return None
        seen.add(info.name)
        if name in info.fields:
            return ("field", info.fields[name])
        if name in info.methods:
            return ("method", info.methods[name])
        if name in info.statics:
            static = info.statics[name]
            return ("method", static) if isinstance(static, list) else ("field", static)
        for parent in info.conforms:
            found = self.app_member(parent, name, seen)
            if found is not None:
                return found
        return None

    def lookup(self, name):
        for scope in reversed(self.scopes):
            if name in scope:
                return scope[name]
        if self.self_type:
            found = self.app_member(self.self_type, name)
            if found is not None and found[0] == "field":
                return found[1]
            info = self.core.types.get(self.self_type)
            if info is not None and name in info.fields:
                return info.fields[name]
        if name in self.app.globals:
            return self.app.globals[name]
        if name in self.core.types or name in self.app.types:
            return "Type:" + name
        return None

    def known_type_name(self, name):
        return (name in self.core.types or name in self.app.types or name in self.core.aliases
                or name in self.app.aliases or name in self.platform)

    # -- walking --------------------------------------------------------------------

    def run(self, src):
        self.src = src
        self.scopes = [{}]
        self.check_type_names(src.tree.root_node)
        for node in src.tree.root_node.named_children:
            self.declaration(node)

    def declaration(self, node):
        if node.type in ("class_declaration", "protocol_declaration"):
            name = base(type_text(self.src, node.child_by_field_name("name")) or "")
            name = re.sub(r"<.*>$", "", name)
            outer = self.self_type
            self.self_type = name
            self.check_conformance(node, name)
            body = node.child_by_field_name("body")
            for m in (body.named_children if body is not None else []):
                self.declaration(m)
            self.self_type = outer
        elif node.type in ("function_declaration", "init_declaration"):
            self.function(node)
        elif node.type == "property_declaration":
            t = property_type(self.src, node)
            value = node.child_by_field_name("value")
            if value is not None:
                self.expr(value, t)
            for c in node.named_children:
                if c.type == "computed_property":
                    self.with_scope({}, lambda c=c: self.block(c), returns=t)
        else:
            self.stmt(node)

    def function(self, node):
        scope = {p_name: p_type for p_name, p_type in self.param_names(node)}
        returns = return_type(self.src, node) if node.type == "function_declaration" else None
        body = node.child_by_field_name("body")
        for c in node.children:
            if node.field_name_for_child(list(node.children).index(c)) == "default_value":
                self.expr(c, None)
        if body is not None:
            self.with_scope(scope, lambda: self.block(body), returns=returns)

    def param_names(self, node):
        out = []
        for c in children(node, "parameter"):
            names = [n for n in c.children if n.type == "simple_identifier"]
            types = [n for n in c.named_children if n.type not in ("simple_identifier", "attribute",
                                                                    "parameter_modifiers")]
            if names:
                out.append((self.src.text(names[-1]), type_text(self.src, types[-1]) if types else None))
        return out

    def with_scope(self, scope, fn, returns="keep"):
        self.scopes.append(dict(scope))
        saved = self.returns
        if returns != "keep":
            self.returns = returns
        try:
            fn()
        finally:
            self.scopes.pop()
            self.returns = saved

    def bind(self, name, t):
        if name and name != "_":
            self.scopes[-1][name] = t

    def block(self, node):
        """Checks the statements of a block; returns the type of the last one when it is an
        expression (what a one-expression closure gives)."""
        last = None
        for c in node.named_children:
            last = self.stmt(c)
        return last

    def stmt(self, node):
        kind = node.type
        if kind in ("statements", "function_body", "computed_property", "computed_getter", "computed_setter"):
            self.block(node)
        elif kind == "property_declaration":
            t = property_type(self.src, node)
            value = node.child_by_field_name("value")
            vt = self.expr(value, t) if value is not None else None
            for c in node.named_children:
                if c.type == "computed_property":
                    self.with_scope({}, lambda c=c: self.block(c), returns=t)
            for n in property_names(self.src, node):
                self.bind(n, t or vt)
        elif kind in ("class_declaration", "function_declaration", "init_declaration", "protocol_declaration"):
            self.declaration(node)
        elif kind == "if_statement":
            self.conditional(node)
        elif kind == "guard_statement":
            self.conditional(node, guard=True)
        elif kind == "for_statement":
            coll = node.child_by_field_name("collection")
            ct = self.expr(coll, None) if coll is not None else None
            scope = {}
            item = node.child_by_field_name("item")
            if item is not None:
                names = [self.src.text(b) for b in item.children_by_field_name("bound_identifier")]
                if len(names) == 1:
                    scope[names[0]] = element(ct)
            self.with_scope(scope, lambda: [self.stmt(c) if c.type == "statements" else self.expr(c, None)
                                            for c in node.named_children if c not in (coll, item)])
        elif kind == "switch_statement":
            subject = node.child_by_field_name("expr")
            st = self.expr(subject, None) if subject is not None else None
            for entry in children(node, "switch_entry"):
                scope = {}
                for sp in children(entry, "switch_pattern"):
                    for pat in children(sp, "pattern"):
                        scope.update(self.case_pattern(pat, list(pat.children), st))
                self.with_scope(scope, lambda entry=entry: [self.block(s) for s in children(entry, "statements")])
            self.exhaustive(node, st)
        elif kind == "do_statement":
            for c in node.named_children:
                if c.type == "statements":
                    self.with_scope({}, lambda c=c: self.block(c))
                elif c.type == "catch_block":
                    self.catch(c)
        elif kind == "control_transfer_statement":
            result = node.child_by_field_name("result")
            if result is not None:
                return self.expr(result, self.returns)
        elif kind == "assignment":
            target = node.child_by_field_name("target")
            tt = self.expr(target.named_children[0], None) if target is not None and target.named_children else None
            result = node.child_by_field_name("result")
            if result is not None:
                self.expr(result, tt)
        elif kind in ("while_statement", "repeat_while_statement"):
            self.with_scope({}, lambda: [self.stmt(c) if c.type == "statements" else self.expr(c, None)
                                         for c in node.named_children])
        elif kind in ("comment", "multiline_comment", "import_declaration", "typealias_declaration"):
            pass
        else:
            return self.expr(node, None)
        return None

    def conditional(self, node, guard=False):
        """`if`/`guard` with `let x = ...` and `case .a(let v) = ...` conditions."""
        scope = {}
        kids = list(node.children)
        i = 0
        conds_end = len(kids)
        for j, c in enumerate(kids):
            if c.type in ("statements", "else") or (c.type == "{"):
                conds_end = j
                break
        while i < conds_end:
            c = kids[i]
            fname = node.field_name_for_child(i)
            if fname == "condition" and c.type == "value_binding_pattern":
                # `let name = value`, or the shorthand `let name` (unwraps `name` itself)
                name = None
                k = i + 1
                if k < conds_end and node.field_name_for_child(k) == "bound_identifier":
                    name = self.src.text(kids[k])
                    k += 1
                if k < conds_end and kids[k].type == "=":
                    value = kids[k + 1] if k + 1 < conds_end else None
                    vt = self.with_bindings(scope, lambda value=value: self.expr(value, None)) \
                        if value is not None else None
                    k += 2
                else:
                    vt = self.with_bindings(scope, lambda name=name: self.resolve(self.lookup(name))) if name else None
                if name:
                    scope[name] = base(vt) if vt else None
                i = k
                continue
            if fname == "condition" and c.type == "case":
                k = i + 1
                while k < conds_end and kids[k].type != "=":
                    k += 1
                value = kids[k + 1] if k + 1 < conds_end else None
                vt = self.with_bindings(scope, lambda value=value: self.expr(value, None)) if value is not None else None
                scope.update(self.case_pattern(node, kids[i + 1:k], vt))
                i = k + 2
                continue
            if c.is_named and fname == "condition":
                self.with_bindings(scope, lambda c=c: self.expr(c, None))
            i += 1
        rest = kids[conds_end:]
        if guard:
            for c in rest:
                if c.type == "statements":
                    self.with_scope({}, lambda c=c: self.block(c))
            self.scopes[-1].update(scope)
            return
        first = True
        for c in rest:
            if c.type == "statements":
                self.with_scope(scope if first else {}, lambda c=c: self.block(c))
                first = False
            elif c.type == "if_statement":
                self.conditional(c)

    def exhaustive(self, node, subject_type):
        """A `switch` over a core enum must name every case (or have a `default`, a
        wildcard or a binding): a case added in Rust is then found here, not on a Mac."""
        info = self.core_type(subject_type) if subject_type and not subject_type.endswith("?") else None
        if info is None or info.kind != "enum" or not info.cases:
            return
        covered = set()
        for entry in children(node, "switch_entry"):
            if children(entry, "default_keyword"):
                return
            if children(entry, "where_keyword"):
                continue  # a guarded case covers nothing for the compiler either
            for sp in children(entry, "switch_pattern"):
                for pat in children(sp, "pattern"):
                    case = self.pattern_case(pat)
                    if case is None:
                        return  # `_`, `let x` or an expression: anything may match
                    covered.add(case)
        missing = [c for c in info.cases if c not in covered]
        if missing:
            self.report.problem(self.src, node, f"switch over {info.name} is not exhaustive: "
                                                f"missing {', '.join('.' + c for c in missing)}")

    def pattern_case(self, pat):
        """The enum case a `case` pattern names (`.a`, `.a(let x)`, `let .a(x)`, `T.a`), or
        None when the pattern is anything else."""
        named = [k for k in pat.named_children if k.type != "value_binding_pattern"]
        if named and named[0].type == "user_type":
            named = named[1:]
        if named and named[0].type == "simple_identifier":
            return self.src.text(named[0])
        if len(named) == 1 and named[0].type == "navigation_expression":
            suffix = named[0].child_by_field_name("suffix")
            name = suffix.child_by_field_name("suffix") if suffix is not None else None
            return self.src.text(name) if name is not None else None
        return None

    def with_bindings(self, scope, fn):
        self.scopes.append(dict(scope))
        try:
            return fn()
        finally:
            self.scopes.pop()

    def catch(self, node):
        scope = {"error": "Error"}
        pat = node.child_by_field_name("error")
        if pat is not None:
            kids = list(pat.children)
            named = [k for k in kids if k.is_named]
            if any(k.type == "as" for k in kids):
                t = type_text(self.src, pat.child_by_field_name("name"))
                for k in named:
                    if k.type == "pattern":
                        for b in k.children_by_field_name("bound_identifier"):
                            scope[self.src.text(b)] = t
            elif named and named[0].type == "user_type":
                scope.update(self.case_pattern(pat, kids, None))
        self.with_scope(scope, lambda: [self.block(s) for s in children(node, "statements")])

    def case_pattern(self, owner, kids, subject_type):
        """Checks `.name(let a, label: let b)` / `Type.name(...)` against the enum's cases and
        returns the names it binds with their types."""
        named = [k for k in kids if k.is_named]
        if named and named[0].type == "value_binding_pattern":  # `let .a(x)`: binds all values
            kids = kids[kids.index(named[0]) + 1:]
            named = named[1:]
        enum_type = subject_type
        if named and named[0].type == "user_type":
            enum_type = type_text(self.src, named[0])
            named = named[1:]
            kids = kids[kids.index(named[0]) if named else len(kids):]
        if not named or named[0].type != "simple_identifier":
            return {}
        case_node = named[0]
        case = self.src.text(case_node)
        info = self.core_type(enum_type)
        bound = {}
        # The values: each a pattern, optionally preceded by `label:`.
        values, label = [], None
        after = kids[kids.index(case_node) + 1:]
        for i, k in enumerate(after):
            if k.type == "simple_identifier" and i + 1 < len(after) and after[i + 1].type == ":":
                label = self.src.text(k)
            elif k.type == "pattern":
                values.append((label, k))
                label = None
            elif k.type == "=":
                break
        if subject_type and subject_type.endswith("?") and case in ("none", "some"):
            for _, p in values:  # Optional's own cases: `.some(let x)` is the value itself
                for b in p.children_by_field_name("bound_identifier"):
                    bound[self.src.text(b)] = base(self.resolve(subject_type))
            return bound
        if info is None or info.kind != "enum":
            for _, p in values:
                for b in p.children_by_field_name("bound_identifier"):
                    bound[self.src.text(b)] = None
            return bound
        if case not in info.cases:
            self.report.problem(self.src, case_node, f"{info.name} has no case '{case}'{suggest(case, info.cases)}")
            return bound
        params = info.cases[case]
        self.report.call(self.src, case_node, f"{info.name}.{case}")
        if values and len(values) != len(params):
            self.report.problem(self.src, case_node,
                                f"{info.name}.{case} has {len(params)} value(s), the pattern binds {len(values)}")
            return bound
        for (label, p), param in zip(values, params):
            if label is not None and label != param.label:
                self.report.problem(self.src, case_node,
                                    f"{info.name}.{case}: no value labelled '{label}' in that position "
                                    f"(the case is {case}({label_list(q.label for q in params)}))")
            for b in p.children_by_field_name("bound_identifier"):
                bound[self.src.text(b)] = self.resolve(param.type)
        return bound

    # -- expressions ------------------------------------------------------------------

    def expr(self, node, expected):
        """Checks an expression and returns its type when it can be known."""
        if node is None:
            return None
        kind = node.type
        handler = getattr(self, "x_" + kind, None)
        if handler is not None:
            return handler(node, expected)
        for c in node.named_children:
            if c.type in ("statements",):
                self.block(c)
            elif c.type == "lambda_literal":
                self.lambda_(c, [])
            else:
                self.expr(c, None)
        return None

    def x_simple_identifier(self, node, expected):
        name = self.src.text(node)
        if name.startswith("$") and not name[1:].isdigit():
            name = name[1:]  # a binding's projected value: the same members
        return self.resolve(self.lookup(name))

    def x_self_expression(self, node, expected):
        return self.self_type

    def x_try_expression(self, node, expected):
        return self.expr(node.child_by_field_name("expr"), expected)

    def x_await_expression(self, node, expected):
        return self.expr(node.child_by_field_name("expr"), expected)

    def x_tuple_expression(self, node, expected):
        kids = node.named_children
        if len(kids) == 1:
            return self.expr(kids[0], expected)
        for k in kids:
            self.expr(k, None)
        return None

    def x_postfix_expression(self, node, expected):
        t = self.expr(node.child_by_field_name("target"), None)
        op = node.child_by_field_name("operation")
        return base(t) if t and op is not None and op.type == "bang" else None

    def x_as_expression(self, node, expected):
        self.expr(node.child_by_field_name("expr"), None)
        t = type_text(self.src, node.child_by_field_name("name"))
        op = children(node, "as_operator")
        return (t + "?") if t and op and self.src.text(op[0]) == "as?" else t

    def x_nil_coalescing_expression(self, node, expected):
        vt = self.expr(node.child_by_field_name("value"), expected)
        other = self.expr(node.child_by_field_name("if_nil"), base(vt) if vt else expected)
        return base(vt) if vt else other

    def x_ternary_expression(self, node, expected):
        self.expr(node.child_by_field_name("condition"), None)
        a = self.expr(node.child_by_field_name("if_true"), expected)
        b = self.expr(node.child_by_field_name("if_false"), expected)
        return a or b

    def x_equality_expression(self, node, expected):
        lt = self.expr(node.child_by_field_name("lhs"), None)
        self.expr(node.child_by_field_name("rhs"), lt)
        return "Bool"

    def x_infix_expression(self, node, expected):
        lt = self.expr(node.child_by_field_name("lhs"), None)
        op = node.child_by_field_name("op")
        same = op is not None and self.src.text(op) in ("!=", "==", "~=")
        self.expr(node.child_by_field_name("rhs"), lt if same else None)
        return "Bool" if same else None

    def x_array_literal(self, node, expected):
        for e in node.children_by_field_name("element"):
            self.expr(e, element(expected))
        return expected

    def x_line_string_literal(self, node, expected):
        for c in node.named_children:
            if c.type == "interpolated_expression":
                for v in c.named_children:
                    self.expr(v, None)
        return "String"

    x_multi_line_string_literal = x_line_string_literal

    def x_lambda_literal(self, node, expected):
        # The closure's result type stands for the closure (what a generic `T` becomes).
        return self.lambda_(node, [self.resolve(p) for p in function_params(expected)])

    def x_prefix_expression(self, node, expected):
        """`.name` where a core type is expected: a case or static member of it."""
        kids = list(node.children)
        target = node.child_by_field_name("target")
        if kids and kids[0].type == "." and target is not None and target.type == "simple_identifier":
            return self.implicit_member(target, self.src.text(target), expected, None, node)
        self.expr(target, None)
        return None

    def implicit_member(self, name_node, name, expected, labels, node):
        info = self.core_type(expected)
        if info is None:
            return None
        if info.kind == "enum" and name in info.cases:
            params = info.cases[name]
            self.report.call(self.src, name_node, f"{info.name}.{name}")
            if labels is None and params:
                self.report.problem(self.src, name_node,
                                    f"{info.name}.{name} carries values: write .{name}("
                                    f"{label_list(p.label for p in params)})")
            elif labels is not None:
                sig = Sig(info.name, name, params)
                if not labels_match(sig, labels):
                    self.report.problem(self.src, name_node, f"{self.shape(info.name, name, labels)} does not "
                                                             f"match the case {sig.shape()}")
            return info.name
        if name == "init" and labels is not None:
            self.check_sigs(info.inits, info.name, "init", labels, name_node, node)
            return info.name
        if name in info.statics:
            return self.member_of_core(info, name, name_node, node, labels, static=True)
        what = "case or static member" if info.kind == "enum" else "static member"
        self.report.problem(self.src, name_node, f"{info.name} has no {what} '{name}'"
                                                 f"{suggest(name, set(info.cases) | set(info.statics))}")
        return None

    def x_navigation_expression(self, node, expected):
        return self.navigation(node, None)

    def navigation(self, node, labels, call=None):
        """`target.member`, or with `labels` the callee of a call with those labels."""
        target = node.named_children[0] if node.named_children else None
        suffix = node.child_by_field_name("suffix")
        name_node = suffix.child_by_field_name("suffix") if suffix is not None else None
        if name_node is None or name_node.type != "simple_identifier":
            self.expr(target, None)
            return None
        name = self.src.text(name_node)
        if target is not None and target.type == "key_path_expression":
            roots = [c for c in target.named_children if c.type == "type_identifier"]
            if roots:
                self.key_path(self.src.text(roots[0]), name, name_node)
            return None
        tt = self.expr(target, None)
        self.pending_params = None  # what the target's own calls matched is not this call's
        optional_type = any(c.type == "?" for c in node.children)
        if tt and tt.startswith("Type:") and optional_type and name in ("none", "some"):
            return None  # `AgeGroup?.none`: Optional's own case
        if tt and tt.startswith("Type:"):
            tname = tt[5:]
            info = self.core_type(tname)
            if info is not None:
                if name in info.cases:
                    return self.implicit_member(name_node, name, tname, labels, call or node)
                if name == "init" and labels is not None:
                    self.check_sigs(info.inits, info.name, "init", labels, name_node, call or node)
                    return info.name
                if name in info.statics or name in info.app_members:
                    return self.member_of_core(info, name, name_node, call or node, labels, static=True)
                self.report.problem(self.src, name_node, f"{info.name} has no static member or case '{name}'"
                                                         f"{suggest(name, set(info.cases) | set(info.statics))}")
                return None
            app_info = self.app_type(tname)
            if app_info is not None and name in app_info.statics:
                s = app_info.statics[name]
                return s if not isinstance(s, list) else (s[0].returns if s else None)
            return None
        info = self.core_type(tt)
        if info is not None:
            return self.member_of_core(info, name, name_node, call or node, labels)
        el = element(tt)
        if el is not None and name in ARRAY_MEMBERS and labels is None:
            return ARRAY_MEMBERS[name].format(e=el)
        if name == "count" and el is not None:
            return "Int"
        found = self.app_member(tt, name) if self.app_type(tt) is not None else None
        if found is not None and found[0] == "field":
            return self.resolve(found[1])
        if found is not None and labels is not None and found[1]:
            return self.resolve(found[1][0].returns)
        return None

    def member_of_core(self, info, name, name_node, node, labels, static=False):
        """Checks `value.name` / `value.name(labels)` on core type `info`."""
        if name in info.app_members:  # added by the app's own extension: not the core's
            t = info.fields.get(name) if labels is None else None
            sigs = info.methods.get(name) if labels is not None else None
            return self.resolve(t if t else (sigs[0].returns if sigs else None))
        table = info.statics if static else info.methods
        if labels is not None and name in table and isinstance(table[name], list):
            return self.check_sigs(table[name], info.name, name, labels, name_node, node)
        if not static and name in info.fields:
            self.report.call(self.src, name_node, f"{info.name}.{name}")
            t = info.fields[name]
            if labels is not None:
                return None  # calling a stored closure: not something the bindings do
            return self.resolve(t)
        if static and name in info.statics and not isinstance(info.statics[name], list):
            self.report.call(self.src, name_node, f"{info.name}.{name}")
            return self.resolve(info.statics[name])
        if name in table and labels is None:
            self.report.problem(self.src, name_node, f"{info.name}.{name} is a method: call it")
            return None
        if name in info.app_members:
            return None
        if not static and name in info.cases:
            self.report.problem(self.src, name_node, f"{info.name}.{name} is a case: write {info.name}.{name}")
            return None
        candidates = (set(info.fields) | set(info.methods) | info.app_members) if not static else set(info.statics)
        self.report.problem(self.src, name_node, f"{info.name} has no member '{name}'{suggest(name, candidates)}")
        return None

    def shape(self, owner, name, labels):
        return f"{owner}.{name}({label_list(labels)})" if owner else f"{name}({label_list(labels)})"

    def check_sigs(self, sigs, owner, name, labels, name_node, node):
        """Checks a call's labels against the declarations; returns the result type."""
        matching = [s for s in sigs if labels_match(s, labels)]
        if not matching:
            expected = " or ".join(s.shape() for s in sigs) or f"{owner}.{name}() (no public initialiser)"
            self.report.problem(self.src, name_node,
                                f"{self.shape(owner, name, labels)} does not match {expected}")
            return None
        sig = matching[0]
        self.report.call(self.src, name_node, sig.shape())
        if sig.throws and not self.under_try(node):
            self.report.problem(self.src, name_node, f"{sig.shape()} throws: call it with try")
        self.pending_params = bind_args(sig, labels)
        return self.resolve(sig.returns)

    def under_try(self, node):
        n = node.parent
        while n is not None and n.type not in TRY_BOUNDARIES:
            if n.type == "try_expression":
                return True
            n = n.parent
        return False

    def key_path(self, root, name, name_node):
        info = self.core_type(root)
        if info is None or name == "self":  # `\.self`: the value itself, any type
            return
        if name in info.fields or name in info.app_members:
            self.report.call(self.src, name_node, f"{info.name}.{name}")
        else:
            self.report.problem(self.src, name_node,
                                f"{info.name} has no field '{name}'{suggest(name, set(info.fields) | info.app_members)}")

    def x_call_expression(self, node, expected):
        kids = node.named_children
        callee = kids[0]
        suffix = kids[1] if len(kids) > 1 and kids[1].type == "call_suffix" else None
        args = []
        closures = []
        if suffix is not None:
            for c in suffix.named_children:
                if c.type == "value_arguments":
                    args = children(c, "value_argument")
                elif c.type == "lambda_literal":
                    closures.append(c)
                elif c.type == "annotated_lambda":
                    closures += children(c, "lambda_literal")
        labels = []
        for a in args:
            lab = a.child_by_field_name("name")
            labels.append(self.src.text(lab).rstrip(":").strip() if lab is not None else None)
        self.pending_params = None
        result = None
        receiver_element = None
        app_sig = None
        if callee.type == "navigation_expression":
            target = callee.named_children[0] if callee.named_children else None
            suffix_node = callee.child_by_field_name("suffix")
            name_node = suffix_node.child_by_field_name("suffix") if suffix_node is not None else None
            result = self.navigation(callee, labels, node)
            params = self.pending_params
            if target is not None and name_node is not None and params is None:
                receiver_type = self.peek_type(target)
                mname = self.src.text(name_node)
                if element(receiver_type) is not None and mname in ELEMENT_CLOSURES:
                    receiver_element = element(receiver_type)
                owner = receiver_type[5:] if receiver_type and receiver_type.startswith("Type:") else receiver_type
                found = self.app_member(owner, mname) if self.app_type(owner) is not None else None
                if found is not None and found[0] == "method" and found[1]:
                    sigs = found[1]
                    app_sig = next((s for s in sigs if labels_match(s, labels)), sigs[0])
                    result = self.resolve(app_sig.returns)
        elif callee.type == "simple_identifier":
            name = self.src.text(callee)
            params = None
            info = self.core_type(name) if self.lookup(name) == "Type:" + name else None
            if info is not None:
                if info.kind == "protocol":
                    self.report.problem(self.src, callee, f"{name} is a protocol: it has no initialiser")
                else:
                    result = self.check_sigs(info.inits, info.name, "init", labels, callee, node)
                    params = self.pending_params
            elif name in self.core.functions and not self.lookup(name):
                result = self.check_sigs(self.core.functions[name], "", name, labels, callee, node)
                params = self.pending_params
            elif name in self.app.functions:
                sigs = self.app.functions[name]
                app_sig = next((s for s in sigs if labels_match(s, labels)), sigs[0])
                result = self.resolve(app_sig.returns)
            elif self.app_type(name) is not None:
                app_info = self.app_type(name)
                app_sig = next((s for s in app_info.inits if labels_match(s, labels)), None)
                result = name
            elif name in COLLECTION_VIEWS and args:
                receiver_element = element(self.peek_type(args[0].child_by_field_name("value")))
            elif self.self_type and not self.lookup(name):
                found = self.app_member(self.self_type, name)
                if found is not None and found[0] == "method" and found[1]:
                    sigs = found[1]
                    app_sig = next((s for s in sigs if labels_match(s, labels)), sigs[0])
                    result = self.resolve(app_sig.returns)
        elif callee.type == "prefix_expression" and list(callee.children)[0].type == ".":
            target = callee.child_by_field_name("target")
            name = self.src.text(target)
            result = self.implicit_member(target, name, expected, labels, node)
            params = self.pending_params
            info = self.core_type(expected)
            if info is not None and info.kind == "enum" and name in info.cases:
                params = bind_args(Sig(info.name, name, info.cases[name]), labels)
        else:
            self.expr(callee, None)
            params = None
        if params is None and app_sig is not None:
            params = bind_args(app_sig, labels)
        closure_results = []
        for i, a in enumerate(args):
            value = a.child_by_field_name("value")
            p = params[i] if params and i < len(params) else None
            if receiver_element and value is not None and value.type == "navigation_expression" \
                    and value.named_children and value.named_children[0].type == "key_path_expression" \
                    and not value.named_children[0].named_children:
                suffix_node = value.child_by_field_name("suffix")
                key = suffix_node.child_by_field_name("suffix") if suffix_node is not None else None
                if key is not None:
                    self.key_path(receiver_element, self.src.text(key), key)
                continue
            t = self.expr(value, self.resolve(p.type) if p is not None else None)
            if value is not None and value.type == "lambda_literal":
                closure_results.append(t)
        closure_params = [receiver_element] if receiver_element else []
        if not closure_params and app_sig is not None and app_sig.params:
            closure_params = [self.resolve(p) for p in function_params(app_sig.params[-1].type)]
        for c in closures:
            closure_results.append(self.lambda_(c, closure_params))
        if app_sig is not None and result and closure_results and closure_results[-1]:
            generic = base(result)
            if re.fullmatch(r"[A-Z]\w{0,2}", generic) and not self.known_type_name(generic):
                result = closure_results[-1] + result[len(generic):]  # `T?` from a closure giving X: `X?`
        return result

    def peek_type(self, node):
        """The type of an expression without reporting anything (it is checked elsewhere)."""
        if node is None:
            return None
        saved = (list(self.report.problems), list(self.report.calls), getattr(self, "pending_params", None))
        try:
            return self.expr(node, None)
        finally:
            self.report.problems, self.report.calls, self.pending_params = saved

    def lambda_(self, node, param_types):
        scope = {}
        names = []
        ftype = node.child_by_field_name("type")
        if ftype is not None:
            for params in children(ftype, "lambda_function_type_parameters"):
                for p in children(params, "lambda_parameter"):
                    n = p.child_by_field_name("name")
                    types = [c for c in p.named_children if c.type != "simple_identifier"]
                    names.append((self.src.text(n) if n is not None else None,
                                  type_text(self.src, types[-1]) if types else None))
        for i, (n, t) in enumerate(names):
            scope[n] = t or (param_types[i] if i < len(param_types) else None)
        for i, t in enumerate(param_types):
            scope[f"${i}"] = t
        results = []
        self.with_scope(scope, lambda: results.extend(self.block(s) for s in children(node, "statements")),
                        returns=None)
        return results[-1] if results else None

    # -- declarations of the app against the core -------------------------------------

    def check_conformance(self, node, name):
        """An app type adopting a core protocol (a callback interface) implements it."""
        info = self.app.types.get(name)
        if info is None or info.origin != "app":
            return
        for proto in info.conforms:
            p = self.core_type(proto)
            if p is None or p.kind != "protocol":
                continue
            for mname, sigs in p.methods.items():
                have = info.methods.get(mname, [])
                for sig in sigs:
                    if not any([q.label for q in h.params] == [q.label for q in sig.params] for h in have):
                        self.report.problem(self.src, node, f"{name} adopts {p.name} but does not implement "
                                                            f"{sig.shape()}{suggest(mname, info.methods)}")
                    else:
                        self.report.call(self.src, node, f"{name} implements {sig.shape()}")

    def check_type_names(self, root):
        """Every type the app names is declared somewhere we know of."""
        generics = set()
        stack = [root]
        while stack:
            n = stack.pop()
            if n.type == "type_parameter":
                for c in n.named_children:
                    if c.type == "type_identifier":
                        generics.add(self.src.text(c))
            stack.extend(n.named_children)
        stack = [root]
        while stack:
            n = stack.pop()
            in_attribute = n.parent is not None and n.parent.type == "attribute"
            if n.type == "user_type" and n.parent is not None and n.parent.type != "user_type" \
                    and not (in_attribute and self.src.text(n)[:1].islower()):
                parts = [self.src.text(c) for c in n.named_children if c.type == "type_identifier"]
                first = parts[0] if parts else self.src.text(n)
                if first not in generics and not self.known_type_name(first):
                    self.report.problem(self.src, n, f"unknown type '{first}'"
                                                     f"{suggest(first, set(self.core.types) | set(self.app.types))}")
                if first in self.core.types and len(parts) > 1:
                    pass
            stack.extend(n.named_children)


def load_platform(path):
    names = set()
    if path:
        with open(path, encoding="utf-8") as f:
            for line in f:
                line = line.split("#", 1)[0].strip()
                names.update(line.split())
    return names


def check(bindings_paths, app_paths, platform_names=(), app_data=None):
    """Runs the check; returns the Report. `bindings_paths` are the generated files of the
    one Swift module (the facade's and the core types'); `app_data` gives the app files'
    contents directly (tests)."""
    core = Api()
    for path in bindings_paths:
        collect(Source(path), core, "core")
    # Extensions of standard types (Data, String) in the bindings are their plumbing.
    for name, info in list(core.types.items()):
        if info.kind == "extension":
            del core.types[name]
    app = Api()
    sources = []
    for i, path in enumerate(app_paths):
        src = Source(path, app_data[i] if app_data else None)
        sources.append(src)
        collect(src, app, "app", core.types)
    # Members the app adds to core types live on the core type; its own types stay app types.
    for name, info in list(app.types.items()):
        if info.origin == "core":
            del app.types[name]
    report = Report()
    for src in sources:
        if src.tree.root_node.has_error:
            report.problem(src, src.tree.root_node, "does not parse (see the parse check)")
            continue
        Checker(core, app, set(platform_names), report).run(src)
    return report


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bindings", required=True, action="append",
                        help="a generated Swift file of the bindings (repeat for each)")
    parser.add_argument("--platform-names")
    parser.add_argument("--list", help="write every core use found, one per line, to this file")
    parser.add_argument("files", nargs="+")
    args = parser.parse_args(argv)
    report = check(args.bindings, args.files, load_platform(args.platform_names))
    if args.list:
        with open(args.list, "w", encoding="utf-8") as f:
            f.write("\n".join(report.calls) + "\n")
    def position(problem):
        path, line, col = (problem.split(":", 3) + ["0", "0"])[:3]
        return (path, int(line) if line.isdigit() else 0, int(col) if col.isdigit() else 0)

    for p in sorted(report.problems, key=position):
        print(p, file=sys.stderr)
    print(f"core calls: {len(report.calls)} uses of the core checked in {len(args.files)} files, "
          f"{len(report.problems)} problems")
    return 1 if report.problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
