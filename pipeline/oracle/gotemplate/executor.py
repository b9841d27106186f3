"""A port of Go's text/template/exec.go: walking the tree, evaluating pipelines, fields and
function calls over the value model of `values.py`, with Go's error texts."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, NoReturn

from . import nodes as n
from .errors import ExecError, GoFuncError
from .funcs import ANY, VALUE, GoFunc, call, indirect_interface, is_true, truth
from .gofmt import sprint
from .gostrconv import quote
from .values import (
    MISSING,
    GoNil,
    GoStruct,
    Iface,
    Uint8,
    go_type,
    is_string_list,
    unwrap,
    zero_value,
)

if TYPE_CHECKING:
    from .parser import Tree

MAX_EXEC_DEPTH = 100000


class _NoFinal:
    """exec.go missingVal: no value flows in from a previous pipeline stage."""


NO_FINAL: Any = _NoFinal()


class _Break(Exception):
    pass


class _Continue(Exception):
    pass


class _Failure(Exception):
    """Internal: carries the formatted Go error up to `execute`."""


class Executor:
    """One execution (Go's `state`): the output buffer, the variable stack, the current node."""

    def __init__(
        self,
        name: str,
        trees: Mapping[str, Tree],
        funcs: Mapping[str, GoFunc],
        builtin_names: frozenset[str],
        missingkey: str = "default",
    ) -> None:
        self.name = name
        self.trees = trees
        self.funcs = funcs
        self.builtin_names = builtin_names
        self.missingkey = missingkey
        self.out: list[str] = []
        self.vars: list[list[Any]] = []
        self.node: n.Node | None = None
        self.tree: Tree | None = None
        self.depth = 0

    # --- errors -----------------------------------------------------------------------------------
    def errorf(self, message: str) -> NoReturn:
        if self.node is None or self.tree is None:
            raise _Failure(f"template: {self.name}: {message}")
        location, context = self.tree.error_context(self.node)
        raise _Failure(
            f"template: {location}: executing {quote(self.name)} at <{context}>: {message}"
        )

    def at(self, node: n.Node) -> None:
        self.node = node

    # --- variables --------------------------------------------------------------------------------
    def push(self, name: str, value: Any) -> None:
        self.vars.append([name, value])

    def mark(self) -> int:
        return len(self.vars)

    def pop(self, mark: int) -> None:
        del self.vars[mark:]

    def set_var(self, name: str, value: Any) -> None:
        for var in reversed(self.vars):
            if var[0] == name:
                var[1] = value
                return
        self.errorf(f"undefined variable: {name}")

    def set_top_var(self, depth: int, value: Any) -> None:
        self.vars[len(self.vars) - depth][1] = value

    def var_value(self, name: str) -> Any:
        for var_name, value in reversed(self.vars):
            if var_name == name:
                return value
        self.errorf(f"undefined variable: {name}")

    # --- entry point ------------------------------------------------------------------------------
    def execute(self, tree: Tree, data: Any) -> str:
        self.tree = tree
        dot = MISSING if data is None else data
        self.vars = [["$", dot]]
        try:
            if tree.root is None:
                self.errorf(f"{quote(self.name)} is an incomplete or empty template")
            self.walk(dot, tree.root)
        except _Failure as failure:
            raise ExecError(str(failure), "".join(self.out)) from None
        return "".join(self.out)

    # --- walking ----------------------------------------------------------------------------------
    def walk(self, dot: Any, node: n.Node) -> None:
        self.at(node)
        if isinstance(node, n.ActionNode):
            # Variables declared by an action persist until the enclosing {{end}}.
            assert node.pipe is not None
            value = self.eval_pipeline(dot, node.pipe)
            if not node.pipe.decl:
                self.print_value(node, value)
        elif isinstance(node, n.BreakNode):
            raise _Break()
        elif isinstance(node, n.ContinueNode):
            raise _Continue()
        elif isinstance(node, n.CommentNode):
            pass
        elif isinstance(node, n.IfNode | n.WithNode):
            self.walk_if_or_with(node, dot)
        elif isinstance(node, n.ListNode):
            for child in node.nodes:
                self.walk(dot, child)
        elif isinstance(node, n.RangeNode):
            self.walk_range(dot, node)
        elif isinstance(node, n.TemplateNode):
            self.walk_template(dot, node)
        elif isinstance(node, n.TextNode):
            self.out.append(node.text)
        else:
            self.errorf(f"unknown node: {node}")

    def walk_if_or_with(self, node: n.BranchNode, dot: Any) -> None:
        mark = self.mark()
        try:
            assert node.pipe is not None and node.list is not None
            value = self.eval_pipeline(dot, node.pipe)
            truth_value, ok = is_true(value)
            if not ok:
                self.errorf(f"if/with can't use {sprint(value)}")
            if truth_value:
                self.walk(value if isinstance(node, n.WithNode) else dot, node.list)
            elif node.else_list is not None:
                self.walk(dot, node.else_list)
        finally:
            self.pop(mark)

    def walk_range(self, dot: Any, node: n.RangeNode) -> None:
        self.at(node)
        outer = self.mark()
        assert node.pipe is not None and node.list is not None
        pipe = node.pipe
        try:
            value = self.eval_pipeline(dot, pipe)
            mark = self.mark()

            def one_iteration(index: Any, elem: Any) -> None:
                if pipe.decl:
                    if pipe.is_assign:
                        target = pipe.decl[0].ident[0]
                        self.set_var(target, index if len(pipe.decl) > 1 else elem)
                    else:
                        self.set_top_var(1, elem)
                if len(pipe.decl) > 1:
                    if pipe.is_assign:
                        self.set_var(pipe.decl[1].ident[0], elem)
                    else:
                        self.set_top_var(2, index)
                try:
                    self.walk(elem, node.list)
                except _Continue:
                    pass
                finally:
                    self.pop(mark)

            iterated = False
            try:
                if isinstance(value, list | tuple):
                    for i, elem in enumerate(value):
                        iterated = True
                        one_iteration(i, Iface(elem))
                elif isinstance(value, dict) and not isinstance(value, GoStruct):
                    for key in sorted(value):
                        iterated = True
                        one_iteration(key, Iface(value[key]))
                elif isinstance(value, GoNil):
                    pass  # a nil slice or map ranges over nothing
                elif isinstance(value, int) and not isinstance(value, bool):
                    for i in range(value):  # Go 1.22: range over an integer
                        iterated = True
                        one_iteration(i, i)
                elif value is not MISSING:
                    self.errorf(f"range can't iterate over {sprint(value)}")
            except _Break:
                return
            if not iterated and node.else_list is not None:
                self.walk(dot, node.else_list)
        finally:
            self.pop(outer)

    def walk_template(self, dot: Any, node: n.TemplateNode) -> None:
        self.at(node)
        tree = self.trees.get(node.name)
        if tree is None or tree.root is None:
            self.errorf(f"template {quote(node.name)} not defined")
        if self.depth == MAX_EXEC_DEPTH:
            self.errorf(f"exceeded maximum template depth ({MAX_EXEC_DEPTH})")
        value = self.eval_pipeline(dot, node.pipe) if node.pipe is not None else MISSING
        saved = (self.vars, self.name, self.tree)
        self.depth += 1
        self.vars = [["$", value]]
        self.name, self.tree = node.name, tree
        try:
            assert tree is not None and tree.root is not None
            self.walk(value, tree.root)
        finally:
            self.depth -= 1
            self.vars, self.name, self.tree = saved

    # --- evaluation -------------------------------------------------------------------------------
    def eval_pipeline(self, dot: Any, pipe: n.PipeNode) -> Any:
        self.at(pipe)
        value: Any = NO_FINAL
        for cmd in pipe.cmds:
            value = self.eval_command(dot, cmd, value)
            # A value of type interface {} is replaced by the value inside it.
            value = indirect_interface(value)
        for variable in pipe.decl:
            if pipe.is_assign:
                self.set_var(variable.ident[0], value)
            else:
                self.push(variable.ident[0], value)
        return value

    def not_a_function(self, args: list[n.Node], final: Any) -> None:
        if len(args) > 1 or final is not NO_FINAL:
            self.errorf(f"can't give argument to non-function {args[0]}")

    def eval_command(self, dot: Any, cmd: n.CommandNode, final: Any) -> Any:
        first = cmd.args[0]
        if isinstance(first, n.FieldNode):
            return self.eval_field_node(dot, first, cmd.args, final)
        if isinstance(first, n.ChainNode):
            return self.eval_chain_node(dot, first, cmd.args, final)
        if isinstance(first, n.IdentifierNode):
            return self.eval_function(dot, first, cmd, cmd.args, final)
        if isinstance(first, n.PipeNode):
            self.not_a_function(cmd.args, final)
            return self.eval_pipeline(dot, first)
        if isinstance(first, n.VariableNode):
            return self.eval_variable_node(dot, first, cmd.args, final)
        self.at(first)
        self.not_a_function(cmd.args, final)
        if isinstance(first, n.BoolNode):
            return first.true
        if isinstance(first, n.DotNode):
            return dot
        if isinstance(first, n.NilNode):
            self.errorf("nil is not a command")
        if isinstance(first, n.NumberNode):
            return self.ideal_constant(first)
        if isinstance(first, n.StringNode):
            return first.text
        self.errorf(f"can't evaluate command {quote(str(first))}")

    def ideal_constant(self, constant: n.NumberNode) -> Any:
        self.at(constant)
        text = constant.text
        is_hex_int = (
            len(text) > 2
            and text[0] == "0"
            and text[1] in "xX"
            and not any(c in text for c in "pP")
        )
        if constant.is_complex:
            return constant.complex128
        if (
            constant.is_float
            and not is_hex_int
            and not text.startswith("'")
            and any(c in text for c in ".eEpP")
        ):
            return constant.float64
        if constant.is_int:
            return constant.int64
        if constant.is_uint:
            self.errorf(f"{text} overflows int")
        return MISSING

    def eval_field_node(self, dot: Any, field: n.FieldNode, args: list[n.Node], final: Any) -> Any:
        self.at(field)
        return self.eval_field_chain(dot, dot, field, field.ident, args, final)

    def eval_chain_node(self, dot: Any, chain: n.ChainNode, args: list[n.Node], final: Any) -> Any:
        self.at(chain)
        if not chain.fields:
            self.errorf("internal error: no fields in evalChainNode")
        if isinstance(chain.node, n.NilNode):
            self.errorf(f"indirection through explicit nil in {chain}")
        assert chain.node is not None
        pipe = self.eval_arg(dot, None, chain.node)
        return self.eval_field_chain(dot, pipe, chain, chain.fields, args, final)

    def eval_variable_node(
        self, dot: Any, variable: n.VariableNode, args: list[n.Node] | None, final: Any
    ) -> Any:
        self.at(variable)
        value = self.var_value(variable.ident[0])
        if len(variable.ident) == 1:
            self.not_a_function(args or [variable], final)
            return value
        return self.eval_field_chain(dot, value, variable, variable.ident[1:], args, final)

    def eval_field_chain(
        self,
        dot: Any,
        receiver: Any,
        node: n.Node,
        idents: list[str],
        args: list[n.Node] | None,
        final: Any,
    ) -> Any:
        for ident in idents[:-1]:
            receiver = self.eval_field(dot, ident, node, None, NO_FINAL, receiver)
        return self.eval_field(dot, idents[-1], node, args, final, receiver)

    def eval_field(
        self,
        dot: Any,
        name: str,
        node: n.Node,
        args: list[n.Node] | None,
        final: Any,
        receiver: Any,
    ) -> Any:
        if receiver is MISSING:
            if self.missingkey == "error":
                self.errorf(f"nil data; no entry for key {quote(name)}")
            return MISSING
        static_type = go_type(receiver)
        if isinstance(receiver, Iface) and receiver.value is None:
            self.errorf(f"nil pointer evaluating {static_type}.{name}")
        value = unwrap(receiver)
        has_args = (args is not None and len(args) > 1) or final is not NO_FINAL
        if isinstance(value, GoStruct):
            if name in value:
                if has_args:
                    self.errorf(f"{name} has arguments but cannot be invoked as function")
                return value[name]
        elif isinstance(value, dict) or (isinstance(value, GoNil) and value.is_map):
            if has_args:
                self.errorf(f"{name} is not a method but has arguments")
            if isinstance(value, dict) and name in value:
                return Iface(value[name])
            if self.missingkey == "error":
                self.errorf(f"map has no entry for key {quote(name)}")
            if self.missingkey == "zero":
                return zero_value(value)
            return MISSING
        elif value is None:
            self.errorf(f"nil pointer evaluating {static_type}.{name}")
        self.errorf(f"can't evaluate field {name} in type {static_type}")

    def eval_function(
        self,
        dot: Any,
        node: n.IdentifierNode,
        cmd: n.Node,
        args: list[n.Node] | None,
        final: Any,
    ) -> Any:
        self.at(node)
        name = node.ident
        function = self.funcs.get(name)
        if function is None:
            self.errorf(f"{quote(name)} is not a defined function")
        assert function is not None
        return self.eval_call(dot, function, name in self.builtin_names, cmd, name, args, final)

    def eval_call(
        self,
        dot: Any,
        function: GoFunc,
        is_builtin: bool,
        node: n.Node,
        name: str,
        args: list[n.Node] | None,
        final: Any,
    ) -> Any:
        call_args = args[1:] if args is not None else []
        num_in = len(call_args) + (0 if final is NO_FINAL else 1)
        if function.variadic is not None:
            num_fixed = len(function.params)
            if num_in < num_fixed:
                self.errorf(
                    f"wrong number of args for {name}: want at least {num_fixed} "
                    f"got {len(call_args)}"
                )
        else:
            num_fixed = len(call_args)
            if num_in != function.num_in:
                self.errorf(f"wrong number of args for {name}: want {function.num_in} got {num_in}")
        if is_builtin and name in ("and", "or"):
            return self._and_or(dot, name, call_args, final)
        argv: list[Any] = []
        i = 0
        while i < num_fixed and i < len(call_args):
            argv.append(self.eval_arg(dot, function.params[i], call_args[i]))
            i += 1
        if function.variadic is not None:
            while i < len(call_args):
                argv.append(self.eval_arg(dot, function.variadic, call_args[i]))
                i += 1
        if final is not NO_FINAL:
            if function.variadic is not None and num_in - 1 >= len(function.params):
                final_type = function.variadic
            elif function.variadic is not None:
                final_type = function.params[num_in - 1]
            else:
                final_type = function.params[-1]
            argv.append(self.validate_type(final, final_type))
        try:
            if is_builtin and name == "call":
                return call(str(call_args[0]), *argv)
            return function.fn(*argv)
        except GoFuncError as err:
            self.at(node)
            self.errorf(f"error calling {name}: {err}")

    def _and_or(self, dot: Any, name: str, args: list[n.Node], final: Any) -> Any:
        value: Any = MISSING
        for arg in args:
            value = self.eval_arg(dot, VALUE, arg)
            if truth(value) == (name == "or"):
                return value
        if final is not NO_FINAL:
            value = self.validate_type(final, VALUE)
        return value

    # --- arguments --------------------------------------------------------------------------------
    def validate_type(self, value: Any, typ: str | None) -> Any:
        """exec.go validateType for the Go types this port's functions use."""
        if value is MISSING:
            if typ is None or typ == VALUE:
                return MISSING
            if typ == ANY:
                return None
            if typ == "[]string":
                return []
            self.errorf(f"invalid value; expected {typ}")
        if typ in (None, VALUE, ANY):
            return value
        concrete = unwrap(value)
        if typ == "string" and isinstance(concrete, str):
            return concrete
        if typ == "int" and isinstance(concrete, int) and not isinstance(concrete, bool | Uint8):
            return concrete
        if typ == "bool" and isinstance(concrete, bool):
            return concrete
        if typ == "[]string" and is_string_list(concrete):
            return [] if isinstance(concrete, GoNil) else [unwrap(v) for v in concrete]
        got = "interface {}" if concrete is None else go_type(concrete)
        self.errorf(f"wrong type for value; expected {typ}; got {got}")

    def eval_arg(self, dot: Any, typ: str | None, node: n.Node) -> Any:
        self.at(node)
        if isinstance(node, n.DotNode):
            return self.validate_type(dot, typ)
        if isinstance(node, n.NilNode):
            if typ in (ANY, VALUE, "[]string"):
                return {ANY: Iface(None), VALUE: MISSING, "[]string": []}[typ]
            self.errorf(f"cannot assign nil to {typ}")
        if isinstance(node, n.FieldNode):
            return self.validate_type(self.eval_field_node(dot, node, [node], NO_FINAL), typ)
        if isinstance(node, n.VariableNode):
            return self.validate_type(self.eval_variable_node(dot, node, None, NO_FINAL), typ)
        if isinstance(node, n.PipeNode):
            return self.validate_type(self.eval_pipeline(dot, node), typ)
        if isinstance(node, n.IdentifierNode):
            return self.validate_type(self.eval_function(dot, node, node, None, NO_FINAL), typ)
        if isinstance(node, n.ChainNode):
            return self.validate_type(self.eval_chain_node(dot, node, None, NO_FINAL), typ)
        if typ == "bool":
            if isinstance(node, n.BoolNode):
                return node.true
            self.errorf(f"expected bool; found {node}")
        if typ == "int":
            if isinstance(node, n.NumberNode) and node.is_int:
                return node.int64
            self.errorf(f"expected integer; found {node}")
        if typ == "string":
            if isinstance(node, n.StringNode):
                return node.text
            self.errorf(f"expected string; found {node}")
        if typ in (ANY, VALUE):
            return self.eval_empty_interface(dot, node)
        self.errorf(f"can't handle {node} for arg of type {typ}")

    def eval_empty_interface(self, dot: Any, node: n.Node) -> Any:
        self.at(node)
        if isinstance(node, n.BoolNode):
            return node.true
        if isinstance(node, n.NumberNode):
            return self.ideal_constant(node)
        if isinstance(node, n.StringNode):
            return node.text
        self.errorf(f"can't handle assignment of {node} to empty interface argument")

    # --- printing ---------------------------------------------------------------------------------
    def print_value(self, node: n.Node, value: Any) -> None:
        self.at(node)
        if value is MISSING:
            self.out.append("<no value>")
            return
        if isinstance(value, GoStruct) and value.type_name.startswith("*"):
            # printableValue dereferences a pointer before printing: {...}, not &{...}
            value = GoStruct(value.type_name[1:], value)
        self.out.append(sprint(value))
