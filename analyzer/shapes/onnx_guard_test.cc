#include "analyzer/shapes/onnx_guard.h"

#include "gtest/gtest.h"

namespace onnx_flops {
namespace {

onnx::NodeProto Scan(std::vector<int64_t> num_scan_inputs, int inputs) {
  onnx::NodeProto n;
  n.set_op_type("Scan");
  for (int i = 0; i < inputs; ++i) n.add_input("in" + std::to_string(i));
  for (int64_t v : num_scan_inputs) {
    onnx::AttributeProto* a = n.add_attribute();
    a->set_name("num_scan_inputs");
    a->set_type(onnx::AttributeProto::INT);
    a->set_i(v);
  }
  return n;
}

TEST(OnnxGuard, ScansWhoseScanInputCountIsImpossibleAreKeptFromOnnx) {
  EXPECT_FALSE(UnsafeForOnnxInference(Scan({1}, 2)));        // one state, one scanned input
  EXPECT_TRUE(UnsafeForOnnxInference(Scan({int64_t{1} << 31}, 2)));  // gigabytes of vectors
  EXPECT_TRUE(UnsafeForOnnxInference(Scan({3}, 2)));         // more scan inputs than inputs
  EXPECT_TRUE(UnsafeForOnnxInference(Scan({0}, 2)));
  EXPECT_TRUE(UnsafeForOnnxInference(Scan({1, 1}, 2)));      // given twice
  EXPECT_TRUE(UnsafeForOnnxInference(Scan({}, 2)));          // missing
}

}  // namespace
}  // namespace onnx_flops
