"""A port of Go's text/template/parse/parse.go: the parser, its three-token lookahead and its
error texts (`template: :1: unexpected "}" in operand`, `function "foo" not defined`)."""

from __future__ import annotations

from collections.abc import Collection
from typing import NoReturn

from . import nodes as n
from .errors import ParseError
from .gostrconv import SyntaxErr, parse_float, parse_int, quote, unquote, unquote_char
from .lexer import Item, ItemType, Lexer

MAX_STACK_DEPTH = 10000  # nested parenthesised expressions


class Tree:
    """One parsed template: `root` is its ListNode, `text` the source (for error columns)."""

    def __init__(self, name: str, funcs: list[Collection[str]] | None = None) -> None:
        self.name = name
        self.parse_name = name
        self.root: n.ListNode | None = None
        self.text = ""
        self.funcs: list[Collection[str]] = funcs or []
        self.emit_comments = False
        self._lex: Lexer | None = None
        self._token: list[Item | None] = [None, None, None]
        self._peek_count = 0
        self._vars: list[str] = []
        self._tree_set: dict[str, Tree] = {}
        self._action_line = 0
        self._range_depth = 0
        self._stack_depth = 0

    # --- errors ----------------------------------------------------------------------------------
    def error_context(self, node: n.Node) -> tuple[str, str]:
        """parse.Tree.ErrorContext: ("name:line:col", node text); the column is a byte offset."""
        tree = node.tree or self
        before = tree.text[: node.pos]
        newline = before.rfind("\n")
        column = before if newline == -1 else before[newline + 1 :]
        line = 1 + before.count("\n")
        return f"{tree.parse_name}:{line}:{len(column.encode('utf-8'))}", str(node)

    def _errorf(self, message: str) -> NoReturn:
        self.root = None
        token = self._token[0]
        line = token.line if token is not None else 0
        raise ParseError(f"template: {self.parse_name}:{line}: {message}")

    def _unexpected(self, token: Item, context: str) -> NoReturn:
        if token.typ == ItemType.ERROR:
            extra = ""
            if self._action_line != 0 and self._action_line != token.line:
                extra = f" in action started at {self.parse_name}:{self._action_line}"
                if token.val.endswith(" action"):
                    extra = extra[len(" in action") :]  # avoid "action in action"
            self._errorf(f"{token}{extra}")
        self._errorf(f"unexpected {token} in {context}")

    # --- token stream ----------------------------------------------------------------------------
    def _next(self) -> Item:
        if self._peek_count > 0:
            self._peek_count -= 1
        else:
            assert self._lex is not None
            self._token[0] = self._lex.next_item()
        token = self._token[self._peek_count]
        assert token is not None
        return token

    def _backup(self) -> None:
        self._peek_count += 1

    def _backup2(self, t1: Item) -> None:
        self._token[1] = t1
        self._peek_count = 2

    def _backup3(self, t2: Item, t1: Item) -> None:
        self._token[1] = t1
        self._token[2] = t2
        self._peek_count = 3

    def _peek(self) -> Item:
        if self._peek_count > 0:
            token = self._token[self._peek_count - 1]
            assert token is not None
            return token
        self._peek_count = 1
        assert self._lex is not None
        self._token[0] = self._lex.next_item()
        return self._token[0]

    def _next_non_space(self) -> Item:
        while True:
            token = self._next()
            if token.typ != ItemType.SPACE:
                return token

    def _peek_non_space(self) -> Item:
        token = self._next_non_space()
        self._backup()
        return token

    def _expect(self, expected: ItemType, context: str) -> Item:
        token = self._next_non_space()
        if token.typ != expected:
            self._unexpected(token, context)
        return token

    def _expect_one_of(self, first: ItemType, second: ItemType, context: str) -> Item:
        token = self._next_non_space()
        if token.typ not in (first, second):
            self._unexpected(token, context)
        return token

    # --- entry points ----------------------------------------------------------------------------
    def has_function(self, name: str) -> bool:
        return any(name in funcs for funcs in self.funcs)

    def _start_parse(self, lexer: Lexer, tree_set: dict[str, Tree]) -> None:
        self.root = None
        self._lex = lexer
        self._vars = ["$"]
        self._tree_set = tree_set
        self._stack_depth = 0

    def parse(
        self, text: str, tree_set: dict[str, Tree], left_delim: str = "", right_delim: str = ""
    ) -> Tree:
        """parse.Tree.Parse: fills `tree_set` with this tree and any {{define}}d ones."""
        self.parse_name = self.name
        lexer = Lexer(
            text,
            left_delim,
            right_delim,
            emit_comment=self.emit_comments,
            break_ok=not self.has_function("break"),
            continue_ok=not self.has_function("continue"),
        )
        self._start_parse(lexer, tree_set)
        self.text = text
        self._parse()
        self._add()
        return self

    def _add(self) -> None:
        tree = self._tree_set.get(self.name)
        if tree is None or is_empty_tree(tree.root):
            self._tree_set[self.name] = self
            return
        if not is_empty_tree(self.root):
            self._errorf(f"template: multiple definition of template {_q(self.name)}")

    def _parse(self) -> None:
        self.root = self._new_list(self._peek().pos)
        while self._peek().typ != ItemType.EOF:
            if self._peek().typ == ItemType.LEFT_DELIM:
                delim = self._next()
                if self._next_non_space().typ == ItemType.DEFINE:
                    new_tree = Tree("definition", self.funcs)
                    new_tree.text = self.text
                    new_tree.emit_comments = self.emit_comments
                    new_tree.parse_name = self.parse_name
                    assert self._lex is not None
                    new_tree._start_parse(self._lex, self._tree_set)
                    new_tree._parse_definition()
                    continue
                self._backup2(delim)
            node = self._text_or_action()
            if isinstance(node, n.EndNode | n.ElseNode):
                self._errorf(f"unexpected {node}")
            self.root.nodes.append(node)

    def _parse_definition(self) -> None:
        context = "define clause"
        name = self._expect_one_of(ItemType.STRING, ItemType.RAW_STRING, context)
        try:
            self.name = unquote(name.val)
        except SyntaxErr as err:
            self._errorf(str(err))
        self._expect(ItemType.RIGHT_DELIM, context)
        self.root, end = self._item_list()
        if not isinstance(end, n.EndNode):
            self._errorf(f"unexpected {end} in {context}")
        self._add()

    def _item_list(self) -> tuple[n.ListNode, n.Node]:
        lst = self._new_list(self._peek_non_space().pos)
        while self._peek_non_space().typ != ItemType.EOF:
            node = self._text_or_action()
            if isinstance(node, n.EndNode | n.ElseNode):
                return lst, node
            lst.nodes.append(node)
        self._errorf("unexpected EOF")
        raise AssertionError("unreachable")

    def _text_or_action(self) -> n.Node:
        token = self._next_non_space()
        if token.typ == ItemType.TEXT:
            return n.TextNode(token.pos, text=token.val, tree=self)
        if token.typ == ItemType.LEFT_DELIM:
            self._action_line = token.line
            try:
                return self._action()
            finally:
                self._action_line = 0
        if token.typ == ItemType.COMMENT:
            return n.CommentNode(token.pos, text=token.val, tree=self)
        self._unexpected(token, "input")
        raise AssertionError("unreachable")

    def _action(self) -> n.Node:
        token = self._next_non_space()
        control = {
            ItemType.BLOCK: self._block_control,
            ItemType.ELSE: self._else_control,
            ItemType.END: self._end_control,
            ItemType.IF: lambda: self._branch(n.IfNode, "if"),
            ItemType.RANGE: lambda: self._branch(n.RangeNode, "range"),
            ItemType.TEMPLATE: self._template_control,
            ItemType.WITH: lambda: self._branch(n.WithNode, "with"),
        }
        if token.typ == ItemType.BREAK:
            return self._break_control(token, n.BreakNode, "break")
        if token.typ == ItemType.CONTINUE:
            return self._break_control(token, n.ContinueNode, "continue")
        if token.typ in control:
            return control[token.typ]()
        self._backup()
        token = self._peek()
        # Do not pop variables; they persist until "end".
        pipe = self._pipeline("command", ItemType.RIGHT_DELIM)
        return n.ActionNode(token.pos, line=token.line, pipe=pipe, tree=self)

    def _break_control(self, token: Item, cls: type, word: str) -> n.Node:
        nxt = self._next_non_space()
        if nxt.typ != ItemType.RIGHT_DELIM:
            self._unexpected(nxt, "{{" + word + "}}")
        if self._range_depth == 0:
            self._errorf("{{" + word + "}} outside {{range}}")
        return cls(token.pos, line=token.line, tree=self)

    # --- pipelines -------------------------------------------------------------------------------
    def _pipeline(self, context: str, end: ItemType) -> n.PipeNode:
        token = self._peek_non_space()
        pipe = n.PipeNode(token.pos, line=token.line, tree=self)
        self._declarations(pipe, context)
        while True:
            token = self._next_non_space()
            if token.typ == end:
                self._check_pipeline(pipe, context)
                return pipe
            if token.typ in _OPERAND_START:
                self._backup()
                pipe.cmds.append(self._command())
            else:
                self._unexpected(token, context)

    def _declarations(self, pipe: n.PipeNode, context: str) -> None:
        while True:
            v = self._peek_non_space()
            if v.typ != ItemType.VARIABLE:
                return
            self._next()
            # Space is a token, so "$x foo" needs 3-token look-ahead to tell an argument
            # variable from a declaration.
            token_after_variable = self._peek()
            nxt = self._peek_non_space()
            if nxt.typ in (ItemType.ASSIGN, ItemType.DECLARE):
                pipe.is_assign = nxt.typ == ItemType.ASSIGN
                self._next_non_space()
                pipe.decl.append(self._new_variable(v.pos, v.val))
                self._vars.append(v.val)
                return
            if nxt.typ == ItemType.CHAR and nxt.val == ",":
                self._next_non_space()
                pipe.decl.append(self._new_variable(v.pos, v.val))
                self._vars.append(v.val)
                if context == "range" and len(pipe.decl) < 2:
                    if self._peek_non_space().typ in (
                        ItemType.VARIABLE,
                        ItemType.RIGHT_DELIM,
                        ItemType.RIGHT_PAREN,
                    ):
                        continue  # second initialised variable in a range pipeline
                    self._errorf("range can only initialize variables")
                self._errorf(f"too many declarations in {context}")
            if token_after_variable.typ == ItemType.SPACE:
                self._backup3(v, token_after_variable)
            else:
                self._backup2(v)
            return

    def _check_pipeline(self, pipe: n.PipeNode, context: str) -> None:
        if not pipe.cmds:
            self._errorf(f"missing value for {context}")
        for i, cmd in enumerate(pipe.cmds[1:]):
            if isinstance(
                cmd.args[0], n.BoolNode | n.DotNode | n.NilNode | n.NumberNode | n.StringNode
            ):
                self._errorf(f"non executable command in pipeline stage {i + 2}")

    def _parse_control(
        self, context: str
    ) -> tuple[int, int, n.PipeNode, n.ListNode, n.ListNode | None]:
        mark = len(self._vars)
        try:
            pipe = self._pipeline(context, ItemType.RIGHT_DELIM)
            if context == "range":
                self._range_depth += 1
            lst, nxt = self._item_list()
            if context == "range":
                self._range_depth -= 1
            else_list = None
            if isinstance(nxt, n.ElseNode):
                # "{{else if ...}}" / "{{else with ...}}" nest the next if/with in the else.
                if context == "if" and self._peek().typ == ItemType.IF:
                    self._next()
                    else_list = self._new_list(nxt.pos)
                    else_list.nodes.append(self._branch(n.IfNode, "if"))
                elif context == "with" and self._peek().typ == ItemType.WITH:
                    self._next()
                    else_list = self._new_list(nxt.pos)
                    else_list.nodes.append(self._branch(n.WithNode, "with"))
                else:
                    else_list, nxt = self._item_list()
                    if not isinstance(nxt, n.EndNode):
                        self._errorf(f"expected end; found {nxt}")
            return pipe.pos, pipe.line, pipe, lst, else_list
        finally:
            del self._vars[mark:]

    def _branch(self, cls: type, context: str) -> n.Node:
        pos, line, pipe, lst, else_list = self._parse_control(context)
        return cls(pos, line=line, pipe=pipe, list=lst, else_list=else_list, tree=self)

    def _end_control(self) -> n.Node:
        return n.EndNode(self._expect(ItemType.RIGHT_DELIM, "end").pos, tree=self)

    def _else_control(self) -> n.Node:
        peek = self._peek_non_space()
        if peek.typ in (ItemType.IF, ItemType.WITH):
            return n.ElseNode(peek.pos, line=peek.line, tree=self)
        token = self._expect(ItemType.RIGHT_DELIM, "else")
        return n.ElseNode(token.pos, line=token.line, tree=self)

    def _block_control(self) -> n.Node:
        context = "block clause"
        token = self._next_non_space()
        name = self._parse_template_name(token, context)
        pipe = self._pipeline(context, ItemType.RIGHT_DELIM)
        block = Tree(name, self.funcs)
        block.text = self.text
        block.emit_comments = self.emit_comments
        block.parse_name = self.parse_name
        assert self._lex is not None
        block._start_parse(self._lex, self._tree_set)
        block.root, end = block._item_list()
        if not isinstance(end, n.EndNode):
            self._errorf(f"unexpected {end} in {context}")
        block._add()
        return n.TemplateNode(token.pos, line=token.line, name=name, pipe=pipe, tree=self)

    def _template_control(self) -> n.Node:
        context = "template clause"
        token = self._next_non_space()
        name = self._parse_template_name(token, context)
        pipe = None
        if self._next_non_space().typ != ItemType.RIGHT_DELIM:
            self._backup()
            pipe = self._pipeline(context, ItemType.RIGHT_DELIM)
        return n.TemplateNode(token.pos, line=token.line, name=name, pipe=pipe, tree=self)

    def _parse_template_name(self, token: Item, context: str) -> str:
        if token.typ in (ItemType.STRING, ItemType.RAW_STRING):
            try:
                return unquote(token.val)
            except SyntaxErr as err:
                self._errorf(str(err))
        self._unexpected(token, context)
        raise AssertionError("unreachable")

    # --- commands and operands -------------------------------------------------------------------
    def _command(self) -> n.CommandNode:
        cmd = n.CommandNode(self._peek_non_space().pos, tree=self)
        while True:
            self._peek_non_space()  # skip leading spaces
            operand = self._operand()
            if operand is not None:
                cmd.args.append(operand)
            token = self._next()
            if token.typ == ItemType.SPACE:
                continue
            if token.typ in (ItemType.RIGHT_DELIM, ItemType.RIGHT_PAREN):
                self._backup()
            elif token.typ != ItemType.PIPE:
                self._unexpected(token, "operand")
            break
        if not cmd.args:
            self._errorf("empty command")
        return cmd

    def _operand(self) -> n.Node | None:
        node = self._term()
        if node is None:
            return None
        if self._peek().typ == ItemType.FIELD:
            chain = n.ChainNode(self._peek().pos, node=node, tree=self)
            while self._peek().typ == ItemType.FIELD:
                chain.add(self._next().val)
            # Fields after a field or variable extend it; after a literal they are an error.
            if isinstance(node, n.FieldNode):
                return n.FieldNode(chain.pos, ident=_split_field(str(chain)), tree=self)
            if isinstance(node, n.VariableNode):
                return self._new_variable(chain.pos, str(chain))
            if isinstance(node, n.BoolNode | n.StringNode | n.NumberNode | n.NilNode | n.DotNode):
                self._errorf(f"unexpected . after term {_q(str(node))}")
            return chain
        return node

    def _term(self) -> n.Node | None:
        token = self._next_non_space()
        typ = token.typ
        if typ == ItemType.IDENTIFIER:
            if not self.has_function(token.val):
                self._errorf(f"function {_q(token.val)} not defined")
            return n.IdentifierNode(token.pos, ident=token.val, tree=self)
        if typ == ItemType.DOT:
            return n.DotNode(token.pos, tree=self)
        if typ == ItemType.NIL:
            return n.NilNode(token.pos, tree=self)
        if typ == ItemType.VARIABLE:
            return self._use_var(token.pos, token.val)
        if typ == ItemType.FIELD:
            return n.FieldNode(token.pos, ident=_split_field(token.val), tree=self)
        if typ == ItemType.BOOL:
            return n.BoolNode(token.pos, true=token.val == "true", tree=self)
        if typ in (ItemType.CHAR_CONSTANT, ItemType.COMPLEX, ItemType.NUMBER):
            return self._new_number(token.pos, token.val, typ)
        if typ == ItemType.LEFT_PAREN:
            if self._stack_depth >= MAX_STACK_DEPTH:
                self._errorf("max expression depth exceeded")
            self._stack_depth += 1
            try:
                return self._pipeline("parenthesized pipeline", ItemType.RIGHT_PAREN)
            finally:
                self._stack_depth -= 1
        if typ in (ItemType.STRING, ItemType.RAW_STRING):
            try:
                text = unquote(token.val)
            except SyntaxErr as err:
                self._errorf(str(err))
            return n.StringNode(token.pos, quoted=token.val, text=text, tree=self)
        self._backup()
        return None

    def _new_variable(self, pos: int, ident: str) -> n.VariableNode:
        return n.VariableNode(pos, ident=ident.split("."), tree=self)

    def _use_var(self, pos: int, name: str) -> n.VariableNode:
        var = self._new_variable(pos, name)
        if var.ident[0] not in self._vars:
            self._errorf(f"undefined variable {_q(var.ident[0])}")
        return var

    def _new_list(self, pos: int) -> n.ListNode:
        return n.ListNode(pos, tree=self)

    def _new_number(self, pos: int, text: str, typ: ItemType) -> n.NumberNode:
        """parse.Tree.newNumber: record every Go type the constant can take."""
        node = n.NumberNode(pos, text=text, tree=self)
        if typ == ItemType.CHAR_CONSTANT:
            try:
                ch, tail = unquote_char(text[1:], text[0])
            except SyntaxErr as err:
                self._errorf(str(err))
            if tail != "'":
                self._errorf(f"malformed character constant: {text}")
            code = ord(ch)
            node.is_int = node.is_uint = node.is_float = True
            node.int64 = node.uint64 = code
            node.float64 = float(code)
            return node
        if typ == ItemType.COMPLEX:
            try:
                node.complex128 = complex(text.replace("i", "j"))
            except ValueError:
                self._errorf("expected integer")
            node.is_complex = True
            _simplify_complex(node)
            return node
        if text.endswith("i"):
            imag = parse_float(text[:-1])
            if imag is not None:
                node.is_complex = True
                node.complex128 = complex(0, imag)
                _simplify_complex(node)
                return node
        unsigned = parse_int(text, unsigned=True)
        if unsigned is not None:
            node.is_uint, node.uint64 = True, unsigned
        signed = parse_int(text)
        if signed is not None:
            node.is_int, node.int64 = True, signed
            if signed == 0:
                node.is_uint, node.uint64 = True, 0  # in case of -0
        if node.is_int:
            node.is_float, node.float64 = True, float(node.int64)
        elif node.is_uint:
            node.is_float, node.float64 = True, float(node.uint64)
        else:
            value = parse_float(text)
            if value is not None:
                if not any(c in text for c in ".eEpP"):
                    self._errorf(f"integer overflow: {_q(text)}")
                node.is_float, node.float64 = True, value
                if value == int(value) and -(2**63) <= value < 2**63:
                    node.is_int, node.int64 = True, int(value)
                if value == int(value) and 0 <= value < 2**64:
                    node.is_uint, node.uint64 = True, int(value)
        if not (node.is_int or node.is_uint or node.is_float):
            self._errorf(f"illegal number syntax: {_q(text)}")
        return node


_OPERAND_START = {
    ItemType.BOOL,
    ItemType.CHAR_CONSTANT,
    ItemType.COMPLEX,
    ItemType.DOT,
    ItemType.FIELD,
    ItemType.IDENTIFIER,
    ItemType.NUMBER,
    ItemType.NIL,
    ItemType.RAW_STRING,
    ItemType.STRING,
    ItemType.VARIABLE,
    ItemType.LEFT_PAREN,
}


def _split_field(text: str) -> list[str]:
    return text[1:].split(".")


def _q(text: str) -> str:
    return quote(text)


def _simplify_complex(node: n.NumberNode) -> None:
    node.is_float = node.complex128.imag == 0
    if node.is_float:
        real = node.complex128.real
        node.float64 = real
        node.is_int = real == int(real) and -(2**63) <= real < 2**63
        if node.is_int:
            node.int64 = int(real)
        node.is_uint = real == int(real) and 0 <= real < 2**64
        if node.is_uint:
            node.uint64 = int(real)


def is_empty_tree(node: n.Node | None) -> bool:
    """parse.IsEmptyTree: only space or comments."""
    if node is None or isinstance(node, n.CommentNode):
        return True
    if isinstance(node, n.ListNode):
        return all(is_empty_tree(child) for child in node.nodes)
    if isinstance(node, n.TextNode):
        return node.text.strip(" \t\n\r\v\f") == ""
    return False
