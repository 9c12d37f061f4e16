#include "analyzer/load/graph_order.h"

#include "gtest/gtest.h"

namespace onnx_flops {
namespace {

onnx::NodeProto* AddNode(onnx::GraphProto& g, const std::string& name,
                         std::vector<std::string> in, std::vector<std::string> out) {
  auto* n = g.add_node();
  n->set_name(name);
  n->set_op_type("Add");
  for (auto& s : in) n->add_input(s);
  for (auto& s : out) n->add_output(s);
  return n;
}

TEST(GraphOrder, SortedGraphKeepsFileOrder) {
  onnx::GraphProto g;
  g.add_input()->set_name("x");
  g.add_initializer()->set_name("w");
  AddNode(g, "a", {"x", "w"}, {"y"});
  AddNode(g, "b", {"y", ""}, {"z"});  // empty name = absent optional input
  bool sorted = false;
  auto order = TopologicalOrder(g, &sorted);
  ASSERT_TRUE(order.ok()) << order.status();
  EXPECT_TRUE(sorted);
  EXPECT_EQ(*order, (std::vector<int>{0, 1}));
}

TEST(GraphOrder, UnsortedGraphIsSorted) {
  onnx::GraphProto g;
  g.add_input()->set_name("x");
  AddNode(g, "c", {"z"}, {"out"});
  AddNode(g, "b", {"y"}, {"z"});
  AddNode(g, "a", {"x"}, {"y"});
  bool sorted = true;
  auto order = TopologicalOrder(g, &sorted);
  ASSERT_TRUE(order.ok()) << order.status();
  EXPECT_FALSE(sorted);
  EXPECT_EQ(*order, (std::vector<int>{2, 1, 0}));
}

TEST(GraphOrder, CycleAndMissingInputAreErrors) {
  onnx::GraphProto cyc;
  cyc.add_input()->set_name("x");
  AddNode(cyc, "a", {"x", "q"}, {"p"});
  AddNode(cyc, "b", {"p"}, {"q"});
  auto c = TopologicalOrder(cyc, nullptr);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("cycle"), std::string::npos) << c.status();

  onnx::GraphProto miss;
  miss.add_input()->set_name("x");
  AddNode(miss, "a", {"x", "ghost"}, {"p"});
  auto m = TopologicalOrder(miss, nullptr);
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("'ghost'"), std::string::npos) << m.status();
  EXPECT_NE(m.status().message().find("node 'a'"), std::string::npos) << m.status();
}

TEST(GraphOrder, AValueDefinedTwiceIsAnErrorNamingBothProducers) {
  onnx::GraphProto twice;
  twice.add_input()->set_name("x");
  AddNode(twice, "first", {"x"}, {"y"});
  AddNode(twice, "second", {"x"}, {"y"});
  auto t = TopologicalOrder(twice, nullptr);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().message(),
            "value 'y' is defined twice: by node 'first' (Add) and by node 'second' (Add)");
  // A node may not redefine a graph input either.
  onnx::GraphProto shadow;
  shadow.add_input()->set_name("x");
  AddNode(shadow, "a", {"x"}, {"x"});
  auto s = TopologicalOrder(shadow, nullptr);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("value 'x' is defined twice: as a graph input"),
            std::string::npos)
      << s.status();
}

}  // namespace
}  // namespace onnx_flops
