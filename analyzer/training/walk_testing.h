// Test helper: a model with its value table and its walk, as analyze.cc
// produces them, for the tests of the training layer that start from a walk.
#ifndef ONNX_FLOPS_ANALYZER_TRAINING_WALK_TESTING_H_
#define ONNX_FLOPS_ANALYZER_TRAINING_WALK_TESTING_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "analyzer/count/walker.h"
#include "analyzer/load/graph_order.h"
#include "analyzer/shapes/shape_propagation.h"
#include "gtest/gtest.h"

namespace onnx_flops {

struct Walked {
  onnx::ModelProto model;
  ValueTable values;
  WalkResult walk;

  const NodeResult* Find(const std::string& name) const {
    for (const NodeResult& n : walk.nodes) {
      if (n.name == name) return &n;
    }
    return nullptr;
  }
};

inline std::unique_ptr<Walked> WalkModel(onnx::ModelProto m) {
  auto w = std::make_unique<Walked>();
  w->model = std::move(m);
  std::vector<std::string> warnings;
  w->values = InferAllShapes(w->model, &warnings);
  bool sorted = true;
  absl::StatusOr<std::vector<int>> order = TopologicalOrder(w->model.graph(), &sorted);
  EXPECT_TRUE(order.ok()) << order.status();
  const OpsetMap opsets = OpsetsOf(w->model);
  WalkOptions o;
  o.opsets = &opsets;
  o.rules = &DefaultRules();
  if (order.ok()) WalkGraph(w->model.graph(), *order, Scope{&w->values, nullptr}, o, &w->walk);
  return w;
}

}  // namespace onnx_flops

#endif  // ONNX_FLOPS_ANALYZER_TRAINING_WALK_TESTING_H_
