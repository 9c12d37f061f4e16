// End-to-end tests of the onnx-flops binary on four torchvision 0.14 detectors
// (testdata/detection/, written by tools/export_torchvision_detection.py:
// weights=None, opset 13, one 3x320x320 image as input "image", weights
// stripped). Their sizes after the RPN and NMS depend on the data; onnx-flops
// counts them at the bounds the graph sets (docs/shapes.md, "Data-dependent
// sizes"). The expected matmul figures are PyTorch's own: forward hooks on
// Conv2d / ConvTranspose2d / Linear over a random-weight forward that reached
// those bounds (testdata/detection/reference.json).
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "proto/report.pb.h"
#include "tools/run_binary_testing.h"

namespace onnx_flops {
namespace {

const std::string kDetection = std::string(ONNX_FLOPS_TESTDATA) + "/detection";

// Faster R-CNN MobileNetV3-Large 320 FPN. The box head runs once per proposal:
// TwoMLPHead fc6 (256x7x7 = 12544 -> 1024), fc7 (1024 -> 1024), then
// FastRCNNPredictor cls_score (1024 -> 91) and bbox_pred (1024 -> 4x91 = 364).
constexpr double kBoxHeadPerRow =
    2.0 * 12544 * 1024 + 2.0 * 1024 * 1024 + 2.0 * 1024 * 91 + 2.0 * 1024 * 364;
static_assert(kBoxHeadPerRow == 28719104, "box head per proposal");
// Backbone, FPN and RPN convolutions (hooks on the backbone and rpn modules:
// 1,163,936,000 + 274,060,800).
constexpr double kFasterRcnnBackboneRpn = 1163936000.0 + 274060800.0;
static_assert(kFasterRcnnBackboneRpn == 1437996800, "backbone + RPN");
// The RPN keeps post_nms_top_n = 150 proposals, the graph's limit (its NMS
// may select 450: 150 pre-NMS boxes on each of 3 levels).
constexpr double kFasterRcnnMatmul = kFasterRcnnBackboneRpn + 150 * kBoxHeadPerRow;
static_assert(150 * kBoxHeadPerRow == 4307865600, "box head on 150 proposals");
static_assert(kFasterRcnnMatmul == 5745862400, "PyTorch's hook count");
// --detections 20: the RPN's NMS keeps 20 boxes, the box head runs 20 rows.
constexpr double kFasterRcnnMatmul20 = kFasterRcnnBackboneRpn + 20 * kBoxHeadPerRow;
static_assert(kFasterRcnnMatmul20 == 2012378880, "box head on 20 proposals");

// SSDlite320 MobileNetV3-Large and RetinaNet ResNet-50 FPN (num_classes 91):
// single-stage, the heads are convolutions over every anchor, so nothing
// data-dependent reaches a matmul. PyTorch's hook counts:
constexpr double kSsdliteMatmul = 774669952.0 + 391673856.0;        // backbone + head
static_assert(kSsdliteMatmul == 1166343808, "SSDlite hook count");
constexpr double kRetinaNetMatmul = 124591243264.0 + 178489631232.0;  // backbone + head
static_assert(kRetinaNetMatmul == 303080874496, "RetinaNet hook count");

// Mask R-CNN ResNet-50 FPN (the image is resized to 800x800 inside the
// graph): the box head on rpn post_nms_top_n = 1000 proposals, the mask head
// on detections_per_img = 100 detections. Mask head per detection: four 3x3
// convs 256 -> 256 on 14x14, a ConvTranspose2d 256 -> 256 kernel 2 stride 2
// (14x14 in), a 1x1 conv 256 -> 91 on 28x28.
constexpr double kMaskHeadPerRow = 4 * 2.0 * 14 * 14 * 256 * 256 * 9 +
                                   2.0 * 14 * 14 * 256 * 256 * 4 + 2.0 * 28 * 28 * 256 * 91;
static_assert(kMaskHeadPerRow == 1064132608, "mask head per detection");
constexpr double kMaskRcnnBackboneRpn = 176762880000.0 + 63277458432.0;  // hooks
constexpr double kMaskRcnnMatmul =
    kMaskRcnnBackboneRpn + 1000 * kBoxHeadPerRow + 100 * kMaskHeadPerRow;
static_assert(kMaskRcnnMatmul == 375172703232, "PyTorch's hook count");

struct Model {
  const char* name;
  double matmul_flops;
};
const Model kModels[] = {
    {"fasterrcnn_mobilenet_v3_large_320_fpn", kFasterRcnnMatmul},
    {"ssdlite320_mobilenet_v3_large", kSsdliteMatmul},
    {"retinanet_resnet50_fpn", kRetinaNetMatmul},
    {"maskrcnn_resnet50_fpn", kMaskRcnnMatmul},
};

std::string Path(const std::string& name) { return kDetection + "/" + name + ".onnx"; }

// Runs the binary with --format json; exit 0, nothing on stderr.
bool RunJson(std::vector<std::string> args, Report* report) {
  args.push_back("--format");
  args.push_back("json");
  const RunResult r = RunBinary(args);
  const std::string what = Describe(args, r);
  EXPECT_EQ(r.exit_code, 0) << what;
  EXPECT_EQ(r.err, "") << what;
  auto status = google::protobuf::util::JsonStringToMessage(r.out, report);
  EXPECT_TRUE(status.ok()) << status.ToString() << "\n" << r.out.substr(0, 1000);
  return r.exit_code == 0 && status.ok();
}

// The NonMaxSuppression entries of forward.bounds, in graph order.
std::vector<std::string> NmsBounds(const Report& report) {
  std::vector<std::string> out;
  for (const DataBound& b : report.forward().bounds()) {
    if (b.op_type() == "NonMaxSuppression") out.push_back(b.bound());
  }
  return out;
}

TEST(DetectionCli, MatchesPyTorchAtTheGraphsBounds) {
  for (const Model& m : kModels) {
    SCOPED_TRACE(m.name);
    Report report;
    if (!RunJson({Path(m.name)}, &report)) continue;
    const Forward& f = report.forward();
    EXPECT_EQ(f.matmul_flops(), m.matmul_flops);
    EXPECT_EQ(f.batch_size(), 1);  // one CHW image: the graph adds the batch axis
    EXPECT_GT(f.flops_low(), 0);
    EXPECT_LT(f.flops_low(), f.flops());
    EXPECT_GT(f.bounds_size(), 0);
    EXPECT_FALSE(NmsBounds(report).empty());
  }
}

TEST(DetectionCli, EveryNodeCounted) {
  for (const char* name : {"fasterrcnn_mobilenet_v3_large_320_fpn",
                           "ssdlite320_mobilenet_v3_large", "retinanet_resnet50_fpn",
                           "maskrcnn_resnet50_fpn"}) {
    SCOPED_TRACE(name);
    Report report;
    if (!RunJson({Path(name)}, &report)) continue;
    EXPECT_EQ(report.forward().coverage().uncounted(), 0);
    EXPECT_EQ(report.forward().uncounted_size(), 0);
  }
  // Mask R-CNN pastes each 28x28 mask (30x30 padded) into the image inside a
  // Loop over the detections, resized to its box: sizes computed from the box
  // coordinates, which the graph clips to the 800x800 image and maps back to
  // 320x320 (analyzer/shapes/value_range.h). The Resize is counted at those
  // bounds and named.
  Report report;
  ASSERT_TRUE(RunJson({Path("maskrcnn_resnet50_fpn")}, &report));
  bool named = false;
  for (const DataBound& b : report.forward().bounds()) {
    if (b.op_type() != "Resize") continue;
    named = true;
    EXPECT_EQ(b.node().rfind("Loop_", 0), 0u) << b.node();
    EXPECT_TRUE(absl::StrContains(b.bound(), "sizes computed at run time")) << b.bound();
  }
  EXPECT_TRUE(named);
}

TEST(DetectionCli, FasterRcnnNmsBounds) {
  Report report;
  ASSERT_TRUE(RunJson({Path("fasterrcnn_mobilenet_v3_large_320_fpn")}, &report));
  const std::vector<std::string> nms = NmsBounds(report);
  ASSERT_EQ(nms.size(), 2u);
  // The RPN's: 150 pre-NMS boxes on each of 3 FPN levels, one class.
  EXPECT_TRUE(absl::StrContains(nms[0], "at most 450 selected boxes")) << nms[0];
  // The box head's batched NMS: 150 proposals x 90 foreground classes.
  EXPECT_TRUE(absl::StrContains(nms[1], "at most 13500 selected boxes")) << nms[1];
}

TEST(DetectionCli, FasterRcnnDetectionsCapsTheBoxHead) {
  Report report;
  ASSERT_TRUE(RunJson({Path("fasterrcnn_mobilenet_v3_large_320_fpn"), "--detections", "20"},
                      &report));
  EXPECT_EQ(report.forward().matmul_flops(), kFasterRcnnMatmul20);
  EXPECT_EQ(report.forward().coverage().uncounted(), 0);
  const std::vector<std::string> nms = NmsBounds(report);
  ASSERT_EQ(nms.size(), 2u);
  for (const std::string& b : nms) {
    EXPECT_TRUE(absl::StrContains(b, "at most 20 selected boxes: --detections 20")) << b;
  }
}

// The literals above are the figures tools/export_torchvision_detection.py
// recorded, and that run reached the graph's limits.
TEST(DetectionCli, ReferenceJsonAgrees) {
  std::ifstream in(kDetection + "/reference.json");
  ASSERT_TRUE(in) << kDetection << "/reference.json";
  std::stringstream text;
  text << in.rdbuf();
  google::protobuf::Struct ref;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(text.str(), &ref).ok());
  for (const Model& m : kModels) {
    SCOPED_TRACE(m.name);
    const auto it = ref.fields().find(m.name);
    ASSERT_NE(it, ref.fields().end());
    const auto& entry = it->second.struct_value().fields();
    EXPECT_EQ(entry.at("hook_matmul_flops").number_value(), m.matmul_flops);
    EXPECT_TRUE(entry.at("limits_reached").bool_value());
  }
  const auto& faster = ref.fields().at("fasterrcnn_mobilenet_v3_large_320_fpn").struct_value();
  EXPECT_EQ(faster.fields().at("proposals").number_value(), 150);
  const auto& mask = ref.fields().at("maskrcnn_resnet50_fpn").struct_value();
  EXPECT_EQ(mask.fields().at("proposals").number_value(), 1000);
  EXPECT_EQ(mask.fields().at("mask_rows").number_value(), 100);
  EXPECT_EQ(mask.fields().at("detections").number_value(), 100);
}

}  // namespace
}  // namespace onnx_flops
