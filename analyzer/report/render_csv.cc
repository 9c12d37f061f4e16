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
    out = "node,op_type,domain,status,flops,matmul_flops,vector_flops,macs,output_shape,detail,"
          "bytes_read,weight_bytes,bytes_written,intensity,live_bytes,layer,seconds,limited_by\n";
    for (const NodeCost& n : f.nodes()) {
      absl::StrAppend(&out,
                      absl::StrJoin({CsvField(n.node()), CsvField(n.op_type()), CsvField(n.domain()),
                                     n.status(), ExactNumber(n.flops()),
                                     ExactNumber(n.matmul_flops()), ExactNumber(n.vector_flops()),
                                     ExactNumber(n.macs()), CsvField(n.output_shape()),
                                     CsvField(n.detail()), ExactNumber(n.bytes_read()),
                                     ExactNumber(n.weight_bytes()), ExactNumber(n.bytes_written()),
                                     ExactNumber(n.intensity()), ExactNumber(n.live_bytes()),
                                     CsvField(n.layer()), ExactNumber(n.seconds()),
                                     n.limited_by()},
                                    ","),
                      "\n");
    }
    return out;
  }
  out = "op_type,domain,nodes,uncounted,flops,matmul_flops,vector_flops,macs,share,bytes_read,"
        "weight_bytes,bytes_written,seconds\n";
  for (const OpTypeCost& op : f.by_op_type()) {
    absl::StrAppend(&out,
                    absl::StrJoin({CsvField(op.op_type()), CsvField(op.domain()),
                                   absl::StrCat(op.nodes()), absl::StrCat(op.uncounted()),
                                   ExactNumber(op.flops()), ExactNumber(op.matmul_flops()),
                                   ExactNumber(op.vector_flops()), ExactNumber(op.macs()),
                                   absl::StrCat(op.share()), ExactNumber(op.bytes_read()),
                                   ExactNumber(op.weight_bytes()), ExactNumber(op.bytes_written()),
                                   ExactNumber(op.seconds())},
                                  ","),
                    "\n");
  }
  return out;
}

}  // namespace onnx_flops
