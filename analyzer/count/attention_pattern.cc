#include "analyzer/count/attention_pattern.h"

namespace onnx_flops {
namespace {

// Ops between a score product and its Softmax (scaling, masking, casts) or
// between the Softmax and the value product (dropout, casts).
bool PassesScores(const std::string& op) {
  return op == "Div" || op == "Mul" || op == "Add" || op == "Sub" || op == "Where" ||
         op == "Cast" || op == "Dropout" || op == "Identity" || op == "Reshape" ||
         op == "Transpose" || op == "Tanh" || op == "Clip";
}

}  // namespace

bool ReachesSoftmax(const ConsumerMap& consumers, const std::string& value, int hops) {
  if (hops < 0) return false;
  auto it = consumers.find(value);
  if (it == consumers.end()) return false;
  for (const onnx::NodeProto* c : it->second) {
    if (c->op_type() == "Softmax") return true;
    if (PassesScores(c->op_type()) && c->output_size() > 0 &&
        ReachesSoftmax(consumers, c->output(0), hops - 1)) {
      return true;
    }
  }
  return false;
}

bool ComesFromSoftmax(const ProducerMap& producer, const std::string& value, int hops) {
  if (hops < 0) return false;
  auto it = producer.find(value);
  if (it == producer.end()) return false;
  const onnx::NodeProto* p = it->second;
  if (p->op_type() == "Softmax") return true;
  return PassesScores(p->op_type()) && p->input_size() > 0 &&
         ComesFromSoftmax(producer, p->input(0), hops - 1);
}

}  // namespace onnx_flops
