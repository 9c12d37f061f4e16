#!/usr/bin/env python3
"""Scaffold a new op in its family: the registry entry with a FLOP rule and a
shape propagator in rules/FAMILY.cc, and two tests in rules/FAMILY_test.cc.

    tools/new_op.py resize GridSample --opset 16
    tools/new_op.py contrib BiasSoftmax --domain com.microsoft

The skeletons compile, and the tests fail until you replace their -1 with
counts and dims worked out by hand: a scaffold is a start, never a rule.
Nothing else needs editing: the walker, the shape propagation, the backward
model (BackwardSpec, default: vector) and docs/rules.md read the entry.
Regenerate the docs with `build/onnx-flops --list-rules --format markdown >
docs/rules.md` once the formula is written.
"""
import argparse
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

RULE = '''// {op} ({domain_name}, opset {opset}): TODO what it computes, from the spec.
constexpr char k{op}Formula[] =
    "TODO: the formula with its symbols, as --list-rules prints it";

absl::StatusOr<Cost> Count{op}(const NodeView& v) {{
  OF_ASSIGN_OR_RETURN(Dims y, OutputDims(v, 0));
  const double n = NumElements(y);
  Cost c;
  c.vector_flops = n;  // TODO: the formula above
  c.detail = absl::StrCat("TODO: the formula with its numbers, numel(Y)=", FormatCount(n));
  return c;
}}

// {op}'s output shapes; an output it cannot tell stays unknown (TypeOnly).
absl::StatusOr<Outputs> ShapeOf{op}(const NodeView& v) {{
  const TensorInfo* x = In(v, 0);
  return Outputs{{TypeOnly(ElemOf(x))}};  // TODO: the output dims from the inputs
}}

'''

TESTS = '''TEST({suite}, {op}) {{
  // TODO: a real shape, and the count worked out by hand in this comment.
  auto c = NodeBuilder("{op}"{domain_arg}).Opset({opset}).Input({{1, 3, 8, 8}}).UnknownOutput().Count();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->vector_flops, -1.0);  // TODO: the hand-computed count
}}

TEST({suite}, {op}Shape) {{
  NodeBuilder b("{op}"{domain_arg});
  b.Opset({opset}).Input({{1, 3, 8, 8}});
  auto out = b.Propagate();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)[0].dims, (Dims{{-1}}));  // TODO: the dims worked out by hand
}}

'''


def camel(family):
    return ''.join(p.capitalize() for p in family.split('_'))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('family', help='the rules/ file, e.g. resize for rules/resize.cc')
    parser.add_argument('op', help='the op type, e.g. GridSample')
    parser.add_argument('--domain', default='', help='e.g. com.microsoft (default ai.onnx)')
    parser.add_argument('--opset', type=int, default=17, help='the opset the tests import')
    args = parser.parse_args()
    if not re.fullmatch(r'[A-Za-z][A-Za-z0-9_]*', args.op):
        sys.exit(f'new_op.py: {args.op!r} is not an op type')
    if not re.fullmatch(r'[a-z][a-z0-9_]*', args.family):
        sys.exit(f'new_op.py: {args.family!r} is not a rules/ family name')
    source = os.path.join(ROOT, 'rules', args.family + '.cc')
    test = os.path.join(ROOT, 'rules', args.family + '_test.cc')
    for path in (source, test):
        if not os.path.exists(path):
            sys.exit(f'new_op.py: {os.path.relpath(path, ROOT)} does not exist (a new family '
                     'also needs its Register function in rules/families.h and registry.cc)')
    text = open(source).read()
    if re.search(r'\bCount%s\b|"%s"' % (args.op, args.op), text):
        sys.exit(f'new_op.py: rules/{args.family}.cc already has {args.op}')

    register = re.search(r'\n}  // namespace\n\nvoid Register\w*Rules\(RuleRegistry& r\) \{\n', text)
    if register is None:
        sys.exit(f'new_op.py: no "}}  // namespace" before the Register function in '
                 f'rules/{args.family}.cc')
    end = text.index('\n}\n', register.end() - 1)
    domain_name = args.domain or 'ai.onnx'
    line = (f'  Register(r, {{"{args.domain}", "{args.op}", "{args.family}", k{args.op}Formula, '
            f'Count{args.op},\n               ShapeOf{args.op}}});')
    rule = RULE.format(op=args.op, domain_name=domain_name, opset=args.opset)
    text = (text[:register.start() + 1] + rule + text[register.start() + 1:end] + '\n' + line +
            text[end:])
    if '#include "rules/propagate.h"' not in text:
        text = text.replace('#include "rules/families.h"\n',
                            '#include "rules/families.h"\n#include "rules/propagate.h"\n', 1)
    open(source, 'w').write(text)

    tests = open(test).read()
    close = tests.rindex('}  // namespace\n}  // namespace onnx_flops')
    domain_arg = f', "{args.domain}"' if args.domain else ''
    tests = tests[:close] + TESTS.format(suite=camel(args.family) + 'Rule', op=args.op,
                                         domain_arg=domain_arg, opset=args.opset) + tests[close:]
    if '#include "rules/rule_testing.h"' not in tests:
        sys.exit(f'new_op.py: rules/{args.family}_test.cc does not include rules/rule_testing.h')
    open(test, 'w').write(tests)
    print(f'rules/{args.family}.cc: Count{args.op}, ShapeOf{args.op} and their registry entry')
    print(f'rules/{args.family}_test.cc: {camel(args.family)}Rule.{args.op} and .{args.op}Shape '
          '(they fail until you write the hand-computed values)')


if __name__ == '__main__':
    main()
