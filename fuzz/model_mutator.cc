#include "fuzz/model_mutator.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <utility>

#include "onnx/onnx_pb.h"

namespace onnx_flops {
namespace fuzz {

uint64_t Rng::Next() {
  uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

namespace {

using google::protobuf::RepeatedField;
using google::protobuf::RepeatedPtrField;

template <typename T, size_t N>
const T& Pick(Rng& rng, const T (&items)[N]) {
  return items[rng.Below(N)];
}

constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();
constexpr int64_t kInt64Min = std::numeric_limits<int64_t>::min();

// Values that break arithmetic: signs, zero, the edges of int32 and int64,
// and the large-but-representable sizes whose products overflow.
const int64_t kOddInts[] = {0,
                            -1,
                            1,
                            2,
                            3,
                            -2,
                            7,
                            99,
                            -99,
                            int64_t{1} << 16,
                            int64_t{1} << 31,
                            (int64_t{1} << 31) - 1,
                            -(int64_t{1} << 31),
                            int64_t{1} << 40,
                            (int64_t{1} << 40) + 1,
                            int64_t{1} << 62,
                            kInt64Max,
                            kInt64Min,
                            kInt64Max - 1,
                            kInt64Min + 1};

const int64_t kOddDims[] = {0,   -1,        -2,
                            1,   2,         3,
                            7,   64,        int64_t{1} << 20,
                            int64_t{1} << 31, int64_t{1} << 40, (int64_t{1} << 40) + 1,
                            int64_t{1} << 62, kInt64Max,        kInt64Min};

const float kOddFloats[] = {0.0f,
                            -0.0f,
                            -1.0f,
                            1.0f,
                            0.5f,
                            1e30f,
                            -1e30f,
                            1e-30f,
                            1e-45f,
                            std::numeric_limits<float>::max(),
                            -std::numeric_limits<float>::max(),
                            std::numeric_limits<float>::quiet_NaN(),
                            std::numeric_limits<float>::infinity(),
                            -std::numeric_limits<float>::infinity()};

const char* const kOddStrings[] = {"",
                                   "SAME_UPPER",
                                   "SAME_LOWER",
                                   "VALID",
                                   "NOTSET",
                                   "garbage",
                                   "\xff\xfe\xfd",
                                   "forward",
                                   "reverse",
                                   "bidirectional",
                                   "constant",
                                   "reflect",
                                   "edge",
                                   "nearest",
                                   "linear",
                                   "cubic",
                                   "ij,jk->ik",
                                   "i,i->",
                                   "...ij,...jk",
                                   "->",
                                   "abcdefghijklmnopqrstuvwxyz->",
                                   "bhqd,bhkd->bhqk",
                                   "DCR",
                                   "CRD",
                                   "half_pixel",
                                   "asymmetric"};

// ~60 common standard ops (a node becomes one of them with its old inputs and
// attributes), and the contrib ops onnxruntime's exporters emit.
const char* const kStandardOps[] = {
    "Add", "Sub", "Mul", "Div", "Pow", "Sqrt", "Exp", "Log", "Abs", "Neg", "Relu", "Sigmoid", "Tanh",
    "Erf", "Softmax", "LogSoftmax", "MatMul", "Gemm", "Conv", "ConvTranspose", "MaxPool",
    "AveragePool", "GlobalAveragePool", "BatchNormalization", "LayerNormalization",
    "InstanceNormalization", "Reshape", "Transpose", "Flatten", "Squeeze", "Unsqueeze", "Concat",
    "Split", "Slice", "Gather", "GatherElements", "GatherND", "ScatterND", "Expand", "Tile", "Pad",
    "Shape", "Size", "Cast", "Constant", "ConstantOfShape", "Range", "Where", "Equal", "Less",
    "ReduceMean", "ReduceSum", "ReduceMax", "ArgMax", "TopK", "Einsum", "LSTM", "GRU", "RNN", "If",
    "Loop", "Scan", "Identity", "Dropout", "Clip", "Resize", "NonZero", "CumSum", "Attention",
    "Col2Im", "DepthToSpace", "OneHot", "Trilu", "MatMulInteger", "QLinearConv", "QLinearMatMul",
    "DequantizeLinear", "QuantizeLinear", "Min", "Max", "Sum", "Mean", "Gelu", "PRelu",
    "GridSample", "RoiAlign", "NonMaxSuppression", "Compress", "Unique", "SplitToSequence",
    "ConcatFromSequence", "SequenceAt", "Einsum", "STFT", "DFT", "Det", "Hardmax", "LpNormalization",
    "MaxRoiPool", "MaxUnpool", "ReduceL2", "ReduceLogSumExp", "Bernoulli", "RandomNormalLike"};

const char* const kContribOps[] = {
    "Attention", "MultiHeadAttention", "GroupQueryAttention", "FusedMatMul",
    "SkipLayerNormalization", "EmbedLayerNormalization", "BiasGelu", "FastGelu", "QuickGelu",
    "Gelu", "MatMulNBits", "QAttention", "QLinearAdd", "DynamicQuantizeMatMul", "RotaryEmbedding",
    "SimplifiedLayerNormalization", "SkipSimplifiedLayerNormalization",
    "DecoderMaskedMultiHeadAttention", "PackedAttention", "LongformerAttention", "MoE", "QMoE",
    "SparseAttention", "BiasAdd", "NhwcConv", "FusedConv", "Inverse", "Trilu", "FusedGemm",
    "GatherBlockQuantized"};

const char* const kDomains[] = {"",
                                "ai.onnx",
                                "com.microsoft",
                                "ai.onnx.ml",
                                "bogus.domain",
                                "org.pytorch.aten",
                                "ai.onnx.preview.training",
                                "com.microsoft.nchwc",
                                "ai.onnx.training"};

const char* const kAttrNames[] = {
    "axis", "axes", "perm", "kernel_shape", "strides", "pads", "dilations", "group", "auto_pad",
    "num_scan_inputs", "scan_input_axes", "scan_output_axes", "scan_input_directions", "direction",
    "hidden_size", "num_heads", "transA", "transB", "alpha", "beta", "epsilon", "keepdims", "mode",
    "to", "value", "body", "then_branch", "else_branch", "k", "ceil_mode", "output_padding",
    "output_shape", "split", "starts", "ends", "equation", "batch_dims", "noop_with_empty_axes",
    "unidirectional", "layout", "blocksize", "upper", "exclusive", "reverse", "value_ints",
    "value_float", "allowzero", "num_outputs", "stash_type", "kv_num_heads", "do_rotary", "scale",
    "qkv_hidden_sizes", "past_present_share_buffer", "bits", "block_size", "N", "K"};

// The metadata keys onnx-flops reads (training.*), with values a config
// could carry by mistake.
const char* const kTrainingKeys[] = {
    "training.examples", "training.tokens",     "training.epochs",      "training.batch_size",
    "training.steps",    "training.backward_ratio", "training.backward", "training.frozen",
    "training.optimizer", "training.hardware",  "training.chips",       "training.hours",
    "training.days",     "training.chip_hours", "training.precision",   "training.utilization",
    "training.peak_flops", "training.price_per_chip_hour", "training.model", "training.bogus"};
const char* const kTrainingValues[] = {"0",     "-1",   "1e308", "1e400",   "nan",      "inf",
                                       "-inf",  "",     "1.28M", "1e-300",  "per-op",   "adam",
                                       "h100-sxm", "*", ",,,",   "garbage", "9e18",     "0.0000001"};

const int kDataTypes[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20,
                          21, 22, 23, 99, -1};
const int64_t kOpsetVersions[] = {1, 7, 13, 17, 18, 99, 0, -1, 6, 9, 11, 21, 23, 2147483647};
const int64_t kIrVersions[] = {0, 1, 3, 4, 7, 8, 9, 10, 99, -1};
const char* const kDimParams[] = {"N", "", "batch", "seq", "unk__0", "-1", "2^62", "\xff"};

// Bytes per element of a tensor type, 0 when unknown or variable (string).
size_t ElementSize(int data_type) {
  switch (data_type) {
    case onnx::TensorProto::FLOAT:
    case onnx::TensorProto::INT32:
    case onnx::TensorProto::UINT32:
      return 4;
    case onnx::TensorProto::INT64:
    case onnx::TensorProto::UINT64:
    case onnx::TensorProto::DOUBLE:
    case onnx::TensorProto::COMPLEX64:
      return 8;
    case onnx::TensorProto::FLOAT16:
    case onnx::TensorProto::BFLOAT16:
    case onnx::TensorProto::INT16:
    case onnx::TensorProto::UINT16:
      return 2;
    case onnx::TensorProto::UINT8:
    case onnx::TensorProto::INT8:
    case onnx::TensorProto::BOOL:
      return 1;
    default:
      return 0;
  }
}

std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char c : s.substr(0, 40)) {
    const auto u = static_cast<unsigned char>(c);
    out += (u >= 0x20 && u < 0x7f) ? c : '?';
  }
  if (s.size() > 40) out += "...";
  return out + "'";
}

std::string NodeLabel(const onnx::NodeProto& node, int index) {
  std::string label = "node " + std::to_string(index) + " (" + node.op_type();
  if (!node.name().empty()) label += " " + Quote(node.name());
  return label + ")";
}

// Moves the last element of `field` to position `pos`.
template <typename Field>
void MoveLastTo(Field* field, int pos) {
  for (int i = field->size() - 1; i > pos; --i) field->SwapElements(i, i - 1);
}

template <typename Field>
void EraseAt(Field* field, int pos) {
  field->erase(field->begin() + pos);
}

void ClearAttributeValue(onnx::AttributeProto* a) {
  a->clear_f();
  a->clear_i();
  a->clear_s();
  a->clear_t();
  a->clear_g();
  a->clear_sparse_tensor();
  a->clear_tp();
  a->clear_floats();
  a->clear_ints();
  a->clear_strings();
  a->clear_tensors();
  a->clear_graphs();
  a->clear_sparse_tensors();
  a->clear_type_protos();
}

// One graph of the model: the main graph or a subgraph body at any depth.
struct Site {
  onnx::GraphProto* graph;
  std::string where;  // "graph", "graph/Loop 'loop0'.body", ...
};

// A graph-valued attribute (If/Loop/Scan body).
struct Body {
  onnx::NodeProto* node;
  onnx::AttributeProto* attr;
  std::string where;
};

class Mutator {
 public:
  Mutator(onnx::ModelProto* model, Rng* rng, std::vector<std::string>* log)
      : model_(model), rng_(*rng), log_(log) {}

  // Applies one mutation; false when the one drawn did not apply.
  bool MutateOnce() {
    sites_.clear();
    bodies_.clear();
    Collect(model_->mutable_graph(), "graph", 0);
    names_.clear();
    for (const Site& s : sites_) CollectNames(*s.graph);
    Site& site = sites_[rng_.Below(sites_.size())];
    const size_t r = rng_.Below(100);
    if (r < 28) return MutateNode(site);
    if (r < 50) return MutateAttribute(site);
    if (r < 64) return MutateValueInfo(site);
    if (r < 78) return MutateInitializer(site);
    if (r < 85) return MutateOpset();
    if (r < 95) return MutateSubgraph();
    return MutateMetadata();
  }

 private:
  void Collect(onnx::GraphProto* g, const std::string& where, int depth) {
    sites_.push_back({g, where});
    if (depth >= 64) return;
    for (int n = 0; n < g->node_size(); ++n) {
      onnx::NodeProto* node = g->mutable_node(n);
      for (int a = 0; a < node->attribute_size(); ++a) {
        onnx::AttributeProto* attr = node->mutable_attribute(a);
        const std::string base = where + "/" + node->op_type() +
                                 (node->name().empty() ? "" : " " + Quote(node->name())) + "." +
                                 attr->name();
        if (attr->has_g()) {
          bodies_.push_back({node, attr, base});
          Collect(attr->mutable_g(), base, depth + 1);
        }
        for (int k = 0; k < attr->graphs_size(); ++k) {
          Collect(attr->mutable_graphs(k), base + "[" + std::to_string(k) + "]", depth + 1);
        }
      }
    }
  }

  void CollectNames(const onnx::GraphProto& g) {
    for (const auto& v : g.input()) names_.push_back(v.name());
    for (const auto& v : g.output()) names_.push_back(v.name());
    for (const auto& t : g.initializer()) names_.push_back(t.name());
    for (const auto& node : g.node()) {
      for (const auto& s : node.input()) names_.push_back(s);
      for (const auto& s : node.output()) names_.push_back(s);
    }
  }

  void Log(const std::string& where, const std::string& what) {
    if (log_ != nullptr) log_->push_back(where + ": " + what);
  }

  // A value name from anywhere in the model (so a body may name an outer
  // value or the main graph an inner one), none, or one that does not exist.
  std::string AnyName() {
    const size_t r = rng_.Below(10);
    if (r == 0 || names_.empty()) return "";
    if (r == 1) return "no_such_value";
    return names_[rng_.Below(names_.size())];
  }

  int64_t OddInt() { return Pick(rng_, kOddInts); }
  int64_t OddDim() { return rng_.OneIn(3) ? static_cast<int64_t>(rng_.Below(9)) : Pick(rng_, kOddDims); }
  float OddFloat() { return Pick(rng_, kOddFloats); }
  std::string OddString() {
    if (rng_.OneIn(12)) return std::string(4096, 'a');
    return Pick(rng_, kOddStrings);
  }

  onnx::NodeProto* AddNode(onnx::GraphProto* g) {
    onnx::NodeProto* node = g->add_node();
    node->set_op_type(Pick(rng_, kStandardOps));
    const size_t inputs = rng_.Below(4);
    for (size_t i = 0; i < inputs; ++i) node->add_input(AnyName());
    node->add_output(rng_.OneIn(2) ? AnyName() : "fuzz_out");
    MoveLastTo(g->mutable_node(), static_cast<int>(rng_.Below(g->node_size())));
    return node;
  }

  // ---- nodes ----
  bool MutateNode(Site& site) {
    onnx::GraphProto* g = site.graph;
    if (g->node_size() == 0) {
      AddNode(g);
      Log(site.where, "added a node to an empty graph");
      return true;
    }
    const int k = static_cast<int>(rng_.Below(g->node_size()));
    onnx::NodeProto* node = g->mutable_node(k);
    const std::string label = NodeLabel(*node, k);
    switch (rng_.Below(13)) {
      case 0:
        EraseAt(g->mutable_node(), k);
        Log(site.where, label + " dropped");
        return true;
      case 1: {
        onnx::NodeProto copy = *node;
        const bool rename = rng_.OneIn(2);
        if (rename) {
          for (std::string& out : *copy.mutable_output()) out += "_dup";
        }
        *g->add_node() = std::move(copy);
        MoveLastTo(g->mutable_node(), static_cast<int>(rng_.Below(g->node_size())));
        Log(site.where, label + (rename ? " duplicated with renamed outputs" : " duplicated"));
        return true;
      }
      case 2:
      case 3: {
        if (rng_.OneIn(4)) {
          node->set_op_type(Pick(rng_, kContribOps));
          node->set_domain("com.microsoft");
        } else {
          node->set_op_type(Pick(rng_, kStandardOps));
        }
        Log(site.where, label + " op_type -> " + node->domain() + "::" + node->op_type());
        return true;
      }
      case 4:
        node->set_domain(Pick(rng_, kDomains));
        Log(site.where, label + " domain -> " + Quote(node->domain()));
        return true;
      case 5: {
        if (node->input_size() == 0) {
          node->add_input(AnyName());
          Log(site.where, label + " input added: " + Quote(node->input(0)));
          return true;
        }
        const int j = static_cast<int>(rng_.Below(node->input_size()));
        node->set_input(j, AnyName());
        Log(site.where, label + " input " + std::to_string(j) + " -> " + Quote(node->input(j)));
        return true;
      }
      case 6: {
        if (node->output_size() == 0) return false;
        const int j = static_cast<int>(rng_.Below(node->output_size()));
        node->set_output(j, AnyName());
        Log(site.where, label + " output " + std::to_string(j) + " -> " + Quote(node->output(j)));
        return true;
      }
      case 7: {
        if (node->input_size() == 0) return false;
        const int j = static_cast<int>(rng_.Below(node->input_size()));
        EraseAt(node->mutable_input(), j);
        Log(site.where, label + " input " + std::to_string(j) + " dropped");
        return true;
      }
      case 8: {
        const size_t n = 1 + rng_.Below(3);
        for (size_t i = 0; i < n; ++i) node->add_input(AnyName());
        Log(site.where, label + " " + std::to_string(n) + " input(s) added");
        return true;
      }
      case 9: {
        if (node->output_size() > 0 && rng_.OneIn(2)) {
          const int j = static_cast<int>(rng_.Below(node->output_size()));
          EraseAt(node->mutable_output(), j);
          Log(site.where, label + " output " + std::to_string(j) + " dropped");
        } else {
          node->add_output(rng_.OneIn(2) ? AnyName() : "fuzz_extra_out");
          Log(site.where, label + " output added: " + Quote(node->output(node->output_size() - 1)));
        }
        return true;
      }
      case 10: {
        const int to = static_cast<int>(rng_.Below(g->node_size()));
        if (to == k) return false;
        g->mutable_node()->SwapElements(k, to);
        Log(site.where, label + " swapped with node " + std::to_string(to));
        return true;
      }
      case 11: {
        const size_t r = rng_.Below(4);
        if (r == 0) {
          node->set_op_type("");
        } else if (r == 1) {
          node->set_op_type("NotAnOp");
        } else if (r == 2) {
          std::string lower = node->op_type();
          for (char& c : lower) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
          node->set_op_type(lower);
        } else {
          node->set_name(rng_.OneIn(2) ? "" : g->node(0).name());
          Log(site.where, label + " renamed " + Quote(node->name()));
          return true;
        }
        Log(site.where, label + " op_type -> " + Quote(node->op_type()));
        return true;
      }
      default: {
        // A node that reads its own output, or whose output is a graph input.
        if (node->output_size() == 0) return false;
        if (rng_.OneIn(2) || g->input_size() == 0) {
          node->add_input(node->output(0));
          Log(site.where, label + " reads its own output " + Quote(node->output(0)));
        } else {
          node->set_output(0, g->input(static_cast<int>(rng_.Below(g->input_size()))).name());
          Log(site.where, label + " output 0 -> graph input " + Quote(node->output(0)));
        }
        return true;
      }
    }
  }

  // ---- attributes ----
  void OddInts(RepeatedField<int64_t>* ints, std::string* what) {
    switch (rng_.Below(6)) {
      case 0:
        ints->Clear();
        *what = "[]";
        return;
      case 1:
        ints->Add(OddInt());
        *what = "one more element";
        return;
      case 2:
        if (!ints->empty()) {
          ints->RemoveLast();
          *what = "one element fewer";
          return;
        }
        ints->Add(OddInt());
        *what = "one element";
        return;
      case 3: {
        const int64_t v = OddInt();
        for (int64_t& x : *ints) x = v;
        if (ints->empty()) ints->Add(v);
        *what = "all " + std::to_string(v);
        return;
      }
      case 4: {
        ints->Clear();
        const size_t n = rng_.Below(9);
        for (size_t i = 0; i < n; ++i) ints->Add(OddInt());
        *what = std::to_string(n) + " odd elements";
        return;
      }
      default: {
        if (ints->empty()) ints->Add(0);
        const int j = static_cast<int>(rng_.Below(ints->size()));
        ints->Set(j, OddInt());
        *what = "element " + std::to_string(j) + " = " + std::to_string(ints->Get(j));
        return;
      }
    }
  }

  void OddFloats(RepeatedField<float>* floats, std::string* what) {
    const size_t r = rng_.Below(4);
    if (r == 0) {
      floats->Clear();
      *what = "[]";
    } else if (r == 1 || floats->empty()) {
      floats->Add(OddFloat());
      *what = "one more element";
    } else if (r == 2) {
      floats->RemoveLast();
      *what = "one element fewer";
    } else {
      const int j = static_cast<int>(rng_.Below(floats->size()));
      floats->Set(j, OddFloat());
      *what = "element " + std::to_string(j) + " = " + std::to_string(floats->Get(j));
    }
  }

  // A value of `type` in `a` (whose payload was cleared).
  void FillAttribute(onnx::AttributeProto* a, onnx::AttributeProto::AttributeType type) {
    a->set_type(type);
    switch (type) {
      case onnx::AttributeProto::INT:
        a->set_i(OddInt());
        break;
      case onnx::AttributeProto::FLOAT:
        a->set_f(OddFloat());
        break;
      case onnx::AttributeProto::STRING:
        a->set_s(OddString());
        break;
      case onnx::AttributeProto::INTS: {
        const size_t n = rng_.Below(6);
        for (size_t i = 0; i < n; ++i) a->add_ints(OddInt());
        break;
      }
      case onnx::AttributeProto::FLOATS: {
        const size_t n = rng_.Below(6);
        for (size_t i = 0; i < n; ++i) a->add_floats(OddFloat());
        break;
      }
      case onnx::AttributeProto::STRINGS: {
        const size_t n = rng_.Below(4);
        for (size_t i = 0; i < n; ++i) a->add_strings(OddString());
        break;
      }
      case onnx::AttributeProto::TENSOR: {
        onnx::TensorProto* t = a->mutable_t();
        t->set_data_type(onnx::TensorProto::INT64);
        const size_t n = rng_.Below(4);
        t->add_dims(static_cast<int64_t>(n));
        for (size_t i = 0; i < n; ++i) t->add_int64_data(OddInt());
        break;
      }
      case onnx::AttributeProto::GRAPH: {
        onnx::GraphProto* g = a->mutable_g();
        g->set_name("fuzz_body");
        if (rng_.OneIn(2)) AddNode(g);
        break;
      }
      default:
        break;
    }
  }

  onnx::AttributeProto::AttributeType AnyAttributeType() {
    static const onnx::AttributeProto::AttributeType kTypes[] = {
        onnx::AttributeProto::INT,    onnx::AttributeProto::FLOAT,  onnx::AttributeProto::STRING,
        onnx::AttributeProto::INTS,   onnx::AttributeProto::FLOATS, onnx::AttributeProto::STRINGS,
        onnx::AttributeProto::TENSOR, onnx::AttributeProto::GRAPH};
    return Pick(rng_, kTypes);
  }

  bool MutateAttribute(Site& site) {
    onnx::GraphProto* g = site.graph;
    if (g->node_size() == 0) return false;
    // Prefer nodes that have attributes.
    int k = static_cast<int>(rng_.Below(g->node_size()));
    for (int tries = 0; tries < 4 && g->node(k).attribute_size() == 0; ++tries) {
      k = static_cast<int>(rng_.Below(g->node_size()));
    }
    onnx::NodeProto* node = g->mutable_node(k);
    const std::string label = NodeLabel(*node, k);
    const size_t r = rng_.Below(10);
    if (node->attribute_size() == 0 || r == 0) {
      onnx::AttributeProto* a = node->add_attribute();
      a->set_name(Pick(rng_, kAttrNames));
      FillAttribute(a, AnyAttributeType());
      Log(site.where, label + " attribute " + a->name() + " added (type " +
                          std::to_string(a->type()) + ")");
      return true;
    }
    const int j = static_cast<int>(rng_.Below(node->attribute_size()));
    onnx::AttributeProto* a = node->mutable_attribute(j);
    const std::string name = label + " attribute " + Quote(a->name());
    switch (r) {
      case 1:
        EraseAt(node->mutable_attribute(), j);
        Log(site.where, name + " dropped");
        return true;
      case 5: {
        // The declared type says one thing, the payload another.
        const int type = rng_.OneIn(4) ? static_cast<int>(rng_.Below(16)) : AnyAttributeType();
        if (!onnx::AttributeProto::AttributeType_IsValid(type) || type == a->type()) {
          a->set_type(onnx::AttributeProto::UNDEFINED);
        } else {
          a->set_type(static_cast<onnx::AttributeProto::AttributeType>(type));
        }
        Log(site.where, name + " declared type -> " + std::to_string(a->type()) +
                            " (payload kept)");
        return true;
      }
      case 6: {
        ClearAttributeValue(a);
        FillAttribute(a, AnyAttributeType());
        Log(site.where, name + " replaced by a value of type " + std::to_string(a->type()));
        return true;
      }
      case 7:
        a->set_name(rng_.OneIn(3) ? "" : Pick(rng_, kAttrNames));
        Log(site.where, name + " renamed " + Quote(a->name()));
        return true;
      case 8: {
        onnx::AttributeProto copy = *a;
        ClearAttributeValue(&copy);
        FillAttribute(&copy, a->type() == onnx::AttributeProto::UNDEFINED ? AnyAttributeType()
                                                                          : a->type());
        *node->add_attribute() = std::move(copy);
        Log(site.where, name + " given twice");
        return true;
      }
      default:
        break;
    }
    // Odd values of the attribute's own type.
    std::string what;
    switch (a->type()) {
      case onnx::AttributeProto::INT:
        a->set_i(OddInt());
        what = std::to_string(a->i());
        break;
      case onnx::AttributeProto::FLOAT:
        a->set_f(OddFloat());
        what = std::to_string(a->f());
        break;
      case onnx::AttributeProto::STRING:
        a->set_s(OddString());
        what = Quote(a->s());
        break;
      case onnx::AttributeProto::INTS:
        OddInts(a->mutable_ints(), &what);
        break;
      case onnx::AttributeProto::FLOATS:
        OddFloats(a->mutable_floats(), &what);
        break;
      case onnx::AttributeProto::STRINGS:
        if (a->strings_size() > 0 && rng_.OneIn(2)) {
          a->mutable_strings()->RemoveLast();
          what = "one string fewer";
        } else {
          a->add_strings(OddString());
          what = "one more string";
        }
        break;
      case onnx::AttributeProto::TENSOR:
        MutateTensor(a->mutable_t(), &what);
        break;
      case onnx::AttributeProto::GRAPH:
        if (a->g().node_size() > 0) {
          EraseAt(a->mutable_g()->mutable_node(),
                  static_cast<int>(rng_.Below(a->g().node_size())));
          what = "a body node dropped";
        } else {
          a->clear_g();
          what = "empty body removed";
        }
        break;
      default:
        a->set_i(OddInt());
        what = "i = " + std::to_string(a->i()) + " on type " + std::to_string(a->type());
        break;
    }
    Log(site.where, name + " = " + what);
    return true;
  }

  // ---- tensors: initializers and Constant values ----
  void OddPayloadValue(onnx::TensorProto* t, std::string* what) {
    const int64_t v = OddInt();
    const float f = OddFloat();
    const size_t size = ElementSize(t->data_type());
    if (t->has_raw_data() && size > 0 && t->raw_data().size() >= size) {
      std::string* raw = t->mutable_raw_data();
      const size_t at = size * rng_.Below(raw->size() / size);
      if (t->data_type() == onnx::TensorProto::FLOAT) {
        std::memcpy(&(*raw)[at], &f, sizeof f);
        *what = "raw element = " + std::to_string(f);
      } else {
        std::memcpy(&(*raw)[at], &v, size);  // little-endian: the low bytes
        *what = "raw element = " + std::to_string(v) + " (low " + std::to_string(size) +
                " bytes)";
      }
      return;
    }
    if (t->int64_data_size() > 0) {
      t->set_int64_data(static_cast<int>(rng_.Below(t->int64_data_size())), v);
    } else if (t->int32_data_size() > 0) {
      t->set_int32_data(static_cast<int>(rng_.Below(t->int32_data_size())),
                        static_cast<int32_t>(v));
    } else if (t->float_data_size() > 0) {
      t->set_float_data(static_cast<int>(rng_.Below(t->float_data_size())), f);
    } else {
      t->add_int64_data(v);
    }
    *what = "an element = " + std::to_string(v) + " / " + std::to_string(f);
  }

  void MutateTensor(onnx::TensorProto* t, std::string* what) {
    switch (rng_.Below(12)) {
      case 0: {
        if (t->dims_size() == 0) t->add_dims(1);
        const int j = static_cast<int>(rng_.Below(t->dims_size()));
        t->set_dims(j, OddDim());
        *what = "dim " + std::to_string(j) + " = " + std::to_string(t->dims(j));
        return;
      }
      case 1:
        if (t->dims_size() > 0 && rng_.OneIn(2)) {
          EraseAt(t->mutable_dims(), static_cast<int>(rng_.Below(t->dims_size())));
          *what = "a dim removed";
        } else {
          t->add_dims(OddDim());
          MoveLastTo(t->mutable_dims(), static_cast<int>(rng_.Below(t->dims_size())));
          *what = "a dim added";
        }
        return;
      case 2:
        t->clear_dims();
        *what = "dims cleared (a scalar)";
        return;
      case 3:
        t->set_data_type(Pick(rng_, kDataTypes));
        *what = "data_type = " + std::to_string(t->data_type());
        return;
      case 4:
        if (t->has_raw_data() && !t->raw_data().empty()) {
          const size_t keep = rng_.Below(t->raw_data().size());
          t->mutable_raw_data()->resize(keep);
          *what = "raw_data truncated to " + std::to_string(keep) + " bytes";
        } else if (t->int64_data_size() > 0) {
          t->mutable_int64_data()->RemoveLast();
          *what = "one int64 fewer";
        } else {
          t->clear_float_data();
          t->clear_int32_data();
          *what = "float/int32 payload cleared";
        }
        return;
      case 5:
        if (t->has_raw_data()) {
          t->mutable_raw_data()->append(1 + rng_.Below(16), '\x01');
          *what = "raw_data padded";
        } else {
          t->add_int64_data(OddInt());
          t->add_float_data(OddFloat());
          *what = "int64 and float elements added";
        }
        return;
      case 6: {
        // Payload in a field that does not match data_type.
        const size_t n = rng_.Below(5);
        t->clear_raw_data();
        if (rng_.OneIn(2)) {
          for (size_t i = 0; i < n; ++i) t->add_float_data(OddFloat());
        } else {
          for (size_t i = 0; i < n; ++i) t->add_int64_data(OddInt());
        }
        *what = "payload replaced by " + std::to_string(n) + " typed elements";
        return;
      }
      case 7:
      case 8:
        OddPayloadValue(t, what);
        return;
      case 9: {
        static const char* const kLocations[] = {"missing.bin", "../../../../etc/passwd", "",
                                                 "/dev/zero", "."};
        t->clear_raw_data();
        t->set_data_location(onnx::TensorProto::EXTERNAL);
        onnx::StringStringEntryProto* e = t->add_external_data();
        e->set_key("location");
        e->set_value(Pick(rng_, kLocations));
        if (rng_.OneIn(2)) {
          onnx::StringStringEntryProto* len = t->add_external_data();
          len->set_key(rng_.OneIn(2) ? "length" : "offset");
          len->set_value(rng_.OneIn(2) ? "-1" : "99999999999999");
        }
        *what = "external data at " + Quote(e->value());
        return;
      }
      case 10:
        t->clear_raw_data();
        t->clear_float_data();
        t->clear_int32_data();
        t->clear_int64_data();
        t->clear_double_data();
        t->clear_string_data();
        t->clear_uint64_data();
        *what = "payload removed";
        return;
      default:
        t->clear_dims();
        t->add_dims(int64_t{1} << 20);
        t->add_dims(int64_t{1} << 20);
        *what = "dims [2^20, 2^20] over the old payload";
        return;
    }
  }

  bool MutateInitializer(Site& site) {
    onnx::GraphProto* g = site.graph;
    if (g->initializer_size() == 0) {
      // Constant nodes' tensors are the other source of weights.
      for (int n = 0; n < g->node_size(); ++n) {
        onnx::NodeProto* node = g->mutable_node(n);
        if (node->op_type() != "Constant" || rng_.OneIn(2)) continue;
        for (auto& a : *node->mutable_attribute()) {
          if (!a.has_t()) continue;
          std::string what;
          MutateTensor(a.mutable_t(), &what);
          Log(site.where, NodeLabel(*node, n) + " value: " + what);
          return true;
        }
      }
      onnx::TensorProto* t = g->add_initializer();
      t->set_name(AnyName());
      t->set_data_type(onnx::TensorProto::INT64);
      t->add_dims(2);
      t->add_int64_data(OddInt());
      t->add_int64_data(OddInt());
      Log(site.where, "initializer " + Quote(t->name()) + " added");
      return true;
    }
    const int k = static_cast<int>(rng_.Below(g->initializer_size()));
    onnx::TensorProto* t = g->mutable_initializer(k);
    const std::string label = "initializer " + Quote(t->name());
    switch (rng_.Below(8)) {
      case 0:
        EraseAt(g->mutable_initializer(), k);
        Log(site.where, label + " dropped");
        return true;
      case 1:
        t->set_name(AnyName());
        Log(site.where, label + " renamed " + Quote(t->name()));
        return true;
      case 2: {
        onnx::TensorProto copy = *t;
        copy.add_dims(3);
        *g->add_initializer() = std::move(copy);
        Log(site.where, label + " given twice, with different dims");
        return true;
      }
      default: {
        std::string what;
        MutateTensor(t, &what);
        Log(site.where, label + ": " + what);
        return true;
      }
    }
  }

  // ---- graph inputs, outputs and value_info ----
  bool MutateValueInfo(Site& site) {
    onnx::GraphProto* g = site.graph;
    std::vector<std::pair<RepeatedPtrField<onnx::ValueInfoProto>*, int>> all;
    for (int i = 0; i < g->input_size(); ++i) all.push_back({g->mutable_input(), i});
    for (int i = 0; i < g->output_size(); ++i) all.push_back({g->mutable_output(), i});
    for (int i = 0; i < g->value_info_size(); ++i) all.push_back({g->mutable_value_info(), i});
    if (all.empty()) {
      onnx::ValueInfoProto* v = g->add_input();
      v->set_name(AnyName());
      auto* tt = v->mutable_type()->mutable_tensor_type();
      tt->set_elem_type(onnx::TensorProto::FLOAT);
      tt->mutable_shape()->add_dim()->set_dim_value(OddDim());
      Log(site.where, "graph input " + Quote(v->name()) + " added");
      return true;
    }
    auto [list, index] = all[rng_.Below(all.size())];
    onnx::ValueInfoProto* v = list->Mutable(index);
    const std::string kind = list == g->mutable_input()    ? "graph input "
                             : list == g->mutable_output() ? "graph output "
                                                           : "value_info ";
    const std::string label = kind + Quote(v->name());
    const size_t r = rng_.Below(12);
    if (r < 6 && !(v->type().has_tensor_type() && v->type().tensor_type().has_shape())) {
      auto* tt = v->mutable_type()->mutable_tensor_type();
      if (!tt->has_elem_type()) tt->set_elem_type(onnx::TensorProto::FLOAT);
      const size_t rank = 1 + rng_.Below(4);
      for (size_t i = 0; i < rank; ++i) tt->mutable_shape()->add_dim()->set_dim_value(OddDim());
      Log(site.where, label + " given a rank-" + std::to_string(rank) + " shape of odd dims");
      return true;
    }
    onnx::TensorShapeProto* shape =
        r < 6 ? v->mutable_type()->mutable_tensor_type()->mutable_shape() : nullptr;
    switch (r) {
      case 0:
      case 1:
      case 2: {
        if (shape->dim_size() == 0) shape->add_dim();
        const int j = static_cast<int>(rng_.Below(shape->dim_size()));
        onnx::TensorShapeProto::Dimension* d = shape->mutable_dim(j);
        const size_t how = rng_.Below(4);
        if (how <= 1) {
          d->set_dim_value(OddDim());
          Log(site.where, label + " dim " + std::to_string(j) + " = " +
                              std::to_string(d->dim_value()));
        } else if (how == 2) {
          d->set_dim_param(Pick(rng_, kDimParams));
          Log(site.where, label + " dim " + std::to_string(j) + " = " + Quote(d->dim_param()));
        } else {
          d->clear_value();
          Log(site.where, label + " dim " + std::to_string(j) + " cleared");
        }
        return true;
      }
      case 3:
        if (shape->dim_size() == 0) return false;
        EraseAt(shape->mutable_dim(), static_cast<int>(rng_.Below(shape->dim_size())));
        Log(site.where, label + " a dim removed");
        return true;
      case 4:
        shape->add_dim()->set_dim_value(OddDim());
        MoveLastTo(shape->mutable_dim(), static_cast<int>(rng_.Below(shape->dim_size())));
        Log(site.where, label + " a dim added");
        return true;
      case 5:
        if (rng_.OneIn(2)) {
          v->mutable_type()->mutable_tensor_type()->clear_shape();
          Log(site.where, label + " shape cleared (unknown rank)");
        } else {
          shape->clear_dim();
          Log(site.where, label + " rank 0");
        }
        return true;
      case 6: {
        static const int kElemTypes[] = {0, 1, 7, 9, 10, 16, 8, 99, -1};
        v->mutable_type()->mutable_tensor_type()->set_elem_type(Pick(rng_, kElemTypes));
        Log(site.where, label + " elem_type = " +
                            std::to_string(v->type().tensor_type().elem_type()));
        return true;
      }
      case 7: {
        const size_t how = rng_.Below(3);
        if (how == 0) {
          v->clear_type();
          Log(site.where, label + " type cleared");
        } else {
          onnx::TypeProto inner = v->type();
          onnx::TypeProto* type = v->mutable_type();
          if (how == 1) {
            *type->mutable_sequence_type()->mutable_elem_type() = std::move(inner);
          } else {
            *type->mutable_optional_type()->mutable_elem_type() = std::move(inner);
          }
          Log(site.where, label + (how == 1 ? " wrapped in a sequence" : " made optional"));
        }
        return true;
      }
      case 8:
      case 9:
        EraseAt(list, index);
        Log(site.where, label + " dropped");
        return true;
      case 10:
        v->set_name(AnyName());
        Log(site.where, label + " renamed " + Quote(v->name()));
        return true;
      default: {
        onnx::ValueInfoProto copy = *v;
        *list->Add() = std::move(copy);
        Log(site.where, label + " listed twice");
        return true;
      }
    }
  }

  // ---- opsets and IR version ----
  bool MutateOpset() {
    auto* imports = model_->mutable_opset_import();
    int default_index = -1;
    for (int i = 0; i < imports->size(); ++i) {
      const std::string& d = imports->Get(i).domain();
      if (d.empty() || d == "ai.onnx") default_index = i;
    }
    switch (rng_.Below(7)) {
      case 0:
      case 1:
      case 2: {
        onnx::OperatorSetIdProto* op =
            default_index >= 0 ? imports->Mutable(default_index) : model_->add_opset_import();
        op->set_version(Pick(rng_, kOpsetVersions));
        Log("model", "default opset version = " + std::to_string(op->version()));
        return true;
      }
      case 3:
        if (default_index < 0) return false;
        EraseAt(imports, default_index);
        Log("model", "default opset import removed");
        return true;
      case 4: {
        static const std::pair<const char*, int64_t> kImports[] = {
            {"com.microsoft", 1},  {"ai.onnx.ml", 3},          {"ai.onnx.ml", 99},
            {"bogus.domain", 1},   {"", 13},                   {"ai.onnx.preview.training", 1},
            {"com.microsoft", -1}, {"", 99},                   {"ai.onnx", 7}};
        const auto& [domain, version] = Pick(rng_, kImports);
        onnx::OperatorSetIdProto* op = model_->add_opset_import();
        op->set_domain(domain);
        op->set_version(version);
        Log("model", "opset import " + Quote(domain) + " v" + std::to_string(version) + " added");
        return true;
      }
      case 5:
        model_->set_ir_version(Pick(rng_, kIrVersions));
        Log("model", "ir_version = " + std::to_string(model_->ir_version()));
        return true;
      default:
        if (imports->empty()) return false;
        if (rng_.OneIn(3)) {
          imports->Clear();
          Log("model", "every opset import removed");
        } else {
          EraseAt(imports, static_cast<int>(rng_.Below(imports->size())));
          Log("model", "an opset import removed");
        }
        return true;
    }
  }

  // ---- If/Loop/Scan bodies ----
  bool MutateSubgraph() {
    if (bodies_.empty()) return false;
    Body& b = bodies_[rng_.Below(bodies_.size())];
    onnx::GraphProto* g = b.attr->mutable_g();
    switch (rng_.Below(7)) {
      case 0:
        for (int i = 0; i < b.node->attribute_size(); ++i) {
          if (b.node->mutable_attribute(i) == b.attr) {
            EraseAt(b.node->mutable_attribute(), i);
            break;
          }
        }
        Log(b.where, "body dropped");
        return true;
      case 1: {
        onnx::AttributeProto* then_branch = nullptr;
        onnx::AttributeProto* else_branch = nullptr;
        for (auto& a : *b.node->mutable_attribute()) {
          if (a.name() == "then_branch") then_branch = &a;
          if (a.name() == "else_branch") else_branch = &a;
        }
        if (then_branch != nullptr && else_branch != nullptr) {
          then_branch->mutable_g()->Swap(else_branch->mutable_g());
          Log(b.where, "then_branch and else_branch swapped");
        } else {
          b.attr->set_name(b.attr->name() == "then_branch" ? "else_branch" : "then_branch");
          Log(b.where, "body renamed " + b.attr->name());
        }
        return true;
      }
      case 2:
        if (rng_.OneIn(2)) {
          g->clear_node();
          Log(b.where, "body's nodes removed");
        } else {
          g->Clear();
          Log(b.where, "body emptied");
        }
        return true;
      case 3: {
        // Another graph of the model (the main graph, a sibling, itself)
        // takes the body's place; copied first, so an ancestor is fine.
        const Site& from = sites_[rng_.Below(sites_.size())];
        onnx::GraphProto copy = *from.graph;
        *g = std::move(copy);
        Log(b.where, "body replaced by a copy of " + from.where);
        return true;
      }
      case 4:
        if (g->input_size() > 0 && rng_.OneIn(2)) {
          EraseAt(g->mutable_input(), static_cast<int>(rng_.Below(g->input_size())));
          Log(b.where, "a body input dropped");
          return true;
        }
        if (g->output_size() == 0) return false;
        EraseAt(g->mutable_output(), static_cast<int>(rng_.Below(g->output_size())));
        Log(b.where, "a body output dropped");
        return true;
      case 5: {
        onnx::ValueInfoProto* v = rng_.OneIn(2) ? g->add_input() : g->add_output();
        v->set_name(AnyName());
        auto* tt = v->mutable_type()->mutable_tensor_type();
        tt->set_elem_type(onnx::TensorProto::FLOAT);
        if (rng_.OneIn(2)) tt->mutable_shape()->add_dim()->set_dim_value(OddDim());
        Log(b.where, "body input/output " + Quote(v->name()) + " added");
        return true;
      }
      default: {
        // The body moves to a node that does not expect one.
        onnx::AttributeProto moved = *b.attr;
        for (int i = 0; i < b.node->attribute_size(); ++i) {
          if (b.node->mutable_attribute(i) == b.attr) {
            EraseAt(b.node->mutable_attribute(), i);
            break;
          }
        }
        // Not into the body itself or a graph inside it (gone with it).
        const Site& to = sites_[rng_.Below(sites_.size())];
        if (to.where.compare(0, b.where.size(), b.where) == 0 || to.graph->node_size() == 0) {
          Log(b.where, "body dropped (no node to move it to)");
          return true;
        }
        const int n = static_cast<int>(rng_.Below(to.graph->node_size()));
        onnx::NodeProto* node = to.graph->mutable_node(n);
        Log(b.where, "body moved to " + to.where + " " + NodeLabel(*node, n));
        *node->add_attribute() = std::move(moved);
        return true;
      }
    }
  }

  // ---- metadata_props (the training figures onnx-flops reads) ----
  bool MutateMetadata() {
    if (model_->metadata_props_size() > 0 && rng_.OneIn(3)) {
      const int k = static_cast<int>(rng_.Below(model_->metadata_props_size()));
      onnx::StringStringEntryProto* e = model_->mutable_metadata_props(k);
      e->set_value(Pick(rng_, kTrainingValues));
      Log("model", "metadata " + Quote(e->key()) + " = " + Quote(e->value()));
      return true;
    }
    onnx::StringStringEntryProto* e = model_->add_metadata_props();
    e->set_key(Pick(rng_, kTrainingKeys));
    e->set_value(Pick(rng_, kTrainingValues));
    Log("model", "metadata " + Quote(e->key()) + " = " + Quote(e->value()) + " added");
    return true;
  }

  onnx::ModelProto* model_;
  Rng& rng_;
  std::vector<std::string>* log_;
  std::vector<Site> sites_;
  std::vector<Body> bodies_;
  std::vector<std::string> names_;
};

bool Parse(const std::string& bytes, onnx::ModelProto* model) {
  return model->ParseFromString(bytes);
}

bool SerializeWithin(const onnx::ModelProto& model, size_t max_size, std::string* out) {
  if (model.ByteSizeLong() > max_size) return false;
  std::string bytes;
  if (!model.SerializeToString(&bytes) || bytes.size() > max_size) return false;
  *out = std::move(bytes);
  return true;
}

}  // namespace

bool MutateModelProto(const std::string& bytes, uint64_t seed, size_t max_size,
                      std::string* out, std::vector<std::string>* log) {
  onnx::ModelProto original;
  if (!Parse(bytes, &original)) return false;
  // A mutation can leave the model as it was (a value set to the one it
  // had): such a mutant is redrawn, like one that grew past max_size.
  const std::string unchanged = original.SerializeAsString();
  Rng rng(seed);
  for (int attempt = 0; attempt < 4; ++attempt) {
    onnx::ModelProto model = original;
    std::vector<std::string> lines;
    Mutator mutator(&model, &rng, log != nullptr ? &lines : nullptr);
    const size_t wanted = 1 + rng.Below(3);
    size_t applied = 0;
    for (int tries = 0; applied < wanted && tries < 16; ++tries) {
      if (mutator.MutateOnce()) ++applied;
    }
    if (applied == 0) continue;
    std::string mutant;
    if (SerializeWithin(model, max_size, &mutant) && mutant != unchanged) {
      *out = std::move(mutant);
      if (log != nullptr) log->insert(log->end(), lines.begin(), lines.end());
      return true;
    }
  }
  return false;
}

bool CrossOverModels(const std::string& a, const std::string& b, uint64_t seed, size_t max_size,
                     std::string* out, std::vector<std::string>* log) {
  onnx::ModelProto into;
  onnx::ModelProto from;
  if (!Parse(a, &into) || !Parse(b, &from)) return false;
  Rng rng(seed);
  onnx::GraphProto* g = into.mutable_graph();
  const onnx::GraphProto& donor = from.graph();
  const size_t r = rng.Below(4);
  std::string what;
  if (r <= 1 && donor.node_size() > 0) {
    // A run of the donor's nodes, with the initializers they read.
    const int first = static_cast<int>(rng.Below(donor.node_size()));
    const int count = static_cast<int>(
        1 + rng.Below(std::min<size_t>(8, static_cast<size_t>(donor.node_size() - first))));
    const int at = static_cast<int>(rng.Below(g->node_size() + 1));
    for (int i = 0; i < count; ++i) {
      const onnx::NodeProto& node = donor.node(first + i);
      *g->add_node() = node;
      MoveLastTo(g->mutable_node(), at + i);
      for (const std::string& input : node.input()) {
        for (const onnx::TensorProto& t : donor.initializer()) {
          if (t.name() == input) *g->add_initializer() = t;
        }
      }
    }
    // Half the time the first spliced node reads a value of the host.
    if (g->input_size() > 0 && rng.OneIn(2) && g->node(at).input_size() > 0) {
      g->mutable_node(at)->set_input(
          0, g->input(static_cast<int>(rng.Below(g->input_size()))).name());
    }
    what = std::to_string(count) + " nodes of the other model spliced in at " + std::to_string(at);
  } else if (r == 2 && g->node_size() > 0) {
    // The donor's main graph becomes a body (of a node that has one, or not).
    onnx::NodeProto* node = g->mutable_node(static_cast<int>(rng.Below(g->node_size())));
    onnx::AttributeProto* body = nullptr;
    for (auto& attr : *node->mutable_attribute()) {
      if (attr.has_g()) body = &attr;
    }
    if (body == nullptr) {
      body = node->add_attribute();
      body->set_name("body");
      body->set_type(onnx::AttributeProto::GRAPH);
    }
    *body->mutable_g() = donor;
    what = "the other model's graph became " + node->op_type() + "." + body->name();
  } else {
    *into.mutable_opset_import() = from.opset_import();
    what = "opset imports taken from the other model";
  }
  if (!SerializeWithin(into, max_size, out)) return false;
  if (log != nullptr) log->push_back("crossover: " + what);
  return true;
}

std::string MutateBytes(const std::string& bytes, uint64_t seed, size_t max_size) {
  Rng rng(seed);
  std::string data = bytes;
  const size_t limit = max_size == 0 ? 1 : max_size;
  const size_t steps = 1 + rng.Below(4);
  for (size_t step = 0; step < steps; ++step) {
    if (data.empty()) {
      data.push_back(static_cast<char>(rng.Next()));
      continue;
    }
    const size_t at = rng.Below(data.size());
    switch (rng.Below(7)) {
      case 0:
        data[at] = static_cast<char>(data[at] ^ (1 << rng.Below(8)));
        break;
      case 1: {
        static const unsigned char kBytes[] = {0x00, 0xff, 0x7f, 0x80, 0x01, 0x08, 0x0a, 0x12};
        data[at] = static_cast<char>(Pick(rng, kBytes));
        break;
      }
      case 2:
        data.erase(at, 1 + rng.Below(std::min<size_t>(64, data.size() - at)));
        break;
      case 3: {
        const size_t n = 1 + rng.Below(16);
        std::string insert;
        for (size_t i = 0; i < n; ++i) insert.push_back(static_cast<char>(rng.Next()));
        data.insert(at, insert);
        break;
      }
      case 4: {
        // A span copied elsewhere: repeats a field or a whole node.
        const size_t len = 1 + rng.Below(std::min<size_t>(256, data.size() - at));
        const std::string span = data.substr(at, len);
        data.insert(rng.Below(data.size() + 1), span);
        break;
      }
      case 5:
        data.resize(at);
        break;
      default:
        // The longest varint there is: a length or tag of 2^64-1.
        data.replace(at, std::min<size_t>(10, data.size() - at),
                     std::string("\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 10));
        break;
    }
  }
  if (data.size() > limit) data.resize(limit);
  return data;
}

std::string MutateModel(const std::string& bytes, uint64_t seed, size_t max_size,
                        std::vector<std::string>* log) {
  std::string out;
  if (MutateModelProto(bytes, seed, max_size, &out, log)) return out;
  if (log != nullptr) log->push_back("bytes: not a model (or too large): byte-level mutation");
  return MutateBytes(bytes, seed, max_size);
}

}  // namespace fuzz
}  // namespace onnx_flops
