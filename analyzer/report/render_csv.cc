#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "analyzer/report/render.h"

namespace onnx_flops {


std::string RenderCsv(const Report& report, bool per_node) {
  std::string out;
  const Forward& f = report.forward();
  if (per_node) {
    out = "node,op_type,domain,status,flops,matmul_flops,vector_flops,macs,output_shape,detail\n";
    for (const NodeCost& n : f.nodes()) {
      absl::StrAppend(&out,
                      absl::StrJoin({CsvField(n.node()), CsvField(n.op_type()), CsvField(n.domain()),
                                     n.status(), ExactNumber(n.flops()),
                                     ExactNumber(n.matmul_flops()), ExactNumber(n.vector_flops()),
                                     ExactNumber(n.macs()), CsvField(n.output_shape()),
                                     CsvField(n.detail())},
                                    ","),
                      "\n");
    }
    return out;
  }
  out = "op_type,domain,nodes,uncounted,flops,matmul_flops,vector_flops,macs,share\n";
  for (const OpTypeCost& op : f.by_op_type()) {
    absl::StrAppend(&out,
                    absl::StrJoin({CsvField(op.op_type()), CsvField(op.domain()),
                                   absl::StrCat(op.nodes()), absl::StrCat(op.uncounted()),
                                   ExactNumber(op.flops()), ExactNumber(op.matmul_flops()),
                                   ExactNumber(op.vector_flops()), ExactNumber(op.macs()),
                                   absl::StrCat(op.share())},
                                  ","),
                    "\n");
  }
  return out;
}

}  // namespace onnx_flops
