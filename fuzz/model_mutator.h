// A mutator that knows what an ONNX model is. Byte-level fuzzing rarely gets
// past protobuf's framing and almost never produces a whole consistent model
// with one bad value in it; this one parses the bytes as an onnx::ModelProto,
// changes one to three things a real exporter (or an attacker) could get
// wrong, and serializes the result:
//
//   nodes        drop, duplicate, move, swap op_type for another standard or
//                contrib op, change domain, rewire an input or output to
//                another value name (or to none), drop or add an input/output
//   attributes   drop one, add one, set ints/floats/strings to odd values
//                (0, -1, huge, INT64_MIN/MAX, NaN, empty or wrong-length
//                lists), change the attribute's declared type
//   tensors      (initializers and Constant values) dims changed, negative,
//                zero, huge, added, removed; data_type changed; raw_data
//                truncated or padded; payload that disagrees with the dims;
//                values set to odd numbers; external data; dropped; renamed
//   values       graph input/output/value_info dims set to -1, 0, huge,
//                dim_param, cleared or removed; rank or elem_type changed;
//                graph inputs and outputs dropped
//   opsets       default version set to 1, 7, 13, 17, 18, 99 and other odd
//                versions, default import removed, odd domains added,
//                ir_version changed
//   subgraphs    every mutation above applies inside If/Loop/Scan bodies
//                (any depth); a body dropped, emptied or replaced by another
//                graph, then/else swapped, body inputs/outputs dropped
//
// Everything is deterministic for a given seed: the generator is splitmix64
// and no standard-library distribution is used, so a seed names the same
// mutant on every machine.
#ifndef ONNX_FLOPS_FUZZ_MODEL_MUTATOR_H_
#define ONNX_FLOPS_FUZZ_MODEL_MUTATOR_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace onnx_flops {
namespace fuzz {

// splitmix64: small, fast, and the same sequence everywhere.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t Next();
  // Uniform enough in [0, n); n must be > 0.
  size_t Below(size_t n) { return static_cast<size_t>(Next() % n); }
  bool OneIn(size_t n) { return Below(n) == 0; }

 private:
  uint64_t state_;
};

// Parses `bytes` as an onnx::ModelProto, applies 1-3 structural mutations and
// writes the serialized mutant to *out. Returns false (and leaves *out alone)
// when the bytes do not parse as a model or no mutant fits in `max_size`:
// the caller then falls back to a byte-level mutation. When `log` is given,
// one line per mutation applied is appended to it.
bool MutateModelProto(const std::string& bytes, uint64_t seed, size_t max_size,
                      std::string* out, std::vector<std::string>* log = nullptr);

// Splices part of model `b` into model `a` (a run of nodes with the
// initializers they read, a whole graph as a subgraph body, or b's opset
// imports). False when either does not parse or the result is too large.
bool CrossOverModels(const std::string& a, const std::string& b, uint64_t seed,
                     size_t max_size, std::string* out,
                     std::vector<std::string>* log = nullptr);

// Byte-level damage (bit flips, odd bytes, spans erased, inserted, copied,
// truncation, maximal varints) for inputs that are not models. The result
// is at most max(max_size, 1) bytes long.
std::string MutateBytes(const std::string& bytes, uint64_t seed, size_t max_size);

// MutateModelProto, or MutateBytes when that returns false: always a mutant.
std::string MutateModel(const std::string& bytes, uint64_t seed, size_t max_size,
                        std::vector<std::string>* log = nullptr);

}  // namespace fuzz
}  // namespace onnx_flops

#endif  // ONNX_FLOPS_FUZZ_MODEL_MUTATOR_H_
