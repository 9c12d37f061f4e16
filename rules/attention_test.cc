#include <string>

#include "gtest/gtest.h"
#include "rules/rule_testing.h"

namespace onnx_flops {
namespace {

constexpr int32_t kInt32 = onnx::TensorProto::INT32;

RuleOptions CausalHalf() {
  RuleOptions o;
  o.causal_attention_half = true;
  return o;
}

bool Mentions(const absl::Status& s, const std::string& what) {
  return std::string(s.message()).find(what) != std::string::npos;
}

// ---- com.microsoft Attention ----

NodeBuilder BertAttention() {
  // BERT-base layer fused by onnxruntime: input [1,128,768], merged QKV
  // weights [768, 2304], bias [2304], mask_index [1,128]; 12 heads of 64.
  NodeBuilder b("Attention", "com.microsoft");
  b.Input({1, 128, 768}).Input({768, 2304}).Input({2304}).Input({1, 128}, kInt32)
      .Attr("num_heads", 12);
  return b;
}

TEST(ContribAttentionRule, BertBase) {
  auto c = BertAttention().Count();
  ASSERT_TRUE(c.ok()) << c.status();
  // Projection 2*128*768*2304 = 452984832; scores 12*128*128 = 196608,
  // core 2*196608*(64+64) = 50331648.
  EXPECT_EQ(c->matmul_flops, 452984832.0 + 50331648.0);  // 503316480
  EXPECT_EQ(c->macs, 251658240.0);
  // Bias 128*2304 = 294912; per score scale 1 + mask 1 + softmax 5 = 7:
  // 7*196608 = 1376256.
  EXPECT_EQ(c->vector_flops, 294912.0 + 1376256.0);  // 1671168
  EXPECT_TRUE(c->warning.empty());
}

TEST(ContribAttentionRule, Gpt2CausalHalfAndDecode) {
  // GPT-2 small prefill, 128 tokens, unidirectional, no mask, no past.
  auto full = NodeBuilder("Attention", "com.microsoft")
                  .Input({1, 128, 768}).Input({768, 2304}).Input({2304})
                  .Attr("num_heads", 12).Attr("unidirectional", 1).Count();
  ASSERT_TRUE(full.ok()) << full.status();
  EXPECT_EQ(full->matmul_flops, 452984832.0 + 50331648.0);
  EXPECT_EQ(full->vector_flops, 294912.0 + 6.0 * 196608);  // 1474560
  // --causal-half: 128*129/2 = 8256 kept scores per head, 12*8256 = 99072;
  // core 2*99072*128 = 25362432; 6*99072 = 594432.
  auto half = NodeBuilder("Attention", "com.microsoft")
                  .Options(CausalHalf())
                  .Input({1, 128, 768}).Input({768, 2304}).Input({2304})
                  .Attr("num_heads", 12).Attr("unidirectional", 1).Count();
  ASSERT_TRUE(half.ok()) << half.status();
  EXPECT_EQ(half->matmul_flops, 452984832.0 + 25362432.0);
  EXPECT_EQ(half->vector_flops, 294912.0 + 594432.0);
  // A bidirectional node is not affected by the option.
  auto bert_half = BertAttention().Options(CausalHalf()).Count();
  ASSERT_TRUE(bert_half.ok());
  EXPECT_EQ(bert_half->matmul_flops, 503316480.0);
  // Decode step with past [2,1,12,127,64]: S_total 128, scores 12*1*128 =
  // 1536; projection 2*768*2304 = 3538944, core 2*1536*128 = 393216; the
  // causal count keeps every key of the single new row.
  for (bool option : {false, true}) {
    RuleOptions o;
    o.causal_attention_half = option;
    auto d = NodeBuilder("Attention", "com.microsoft")
                 .Options(o)
                 .Input({1, 1, 768}).Input({768, 2304}).Input({2304}).AbsentInput()
                 .Input({2, 1, 12, 127, 64})
                 .Attr("num_heads", 12).Attr("unidirectional", 1).Count();
    ASSERT_TRUE(d.ok()) << d.status();
    EXPECT_EQ(d->matmul_flops, 3538944.0 + 393216.0);
    EXPECT_EQ(d->vector_flops, 2304.0 + 6.0 * 1536);  // 11520
  }
}

TEST(ContribAttentionRule, SharedBufferQkvSizesAndRotary) {
  // past_present_share_buffer: past [2,1,12,1024,64] is the max length; the
  // past_sequence_length value 100 gives S_total = 101: scores 12*101 = 1212.
  auto known = NodeBuilder("Attention", "com.microsoft")
                   .Input({1, 1, 768}).Input({768, 2304}).AbsentInput().AbsentInput()
                   .Input({2, 1, 12, 1024, 64}).AbsentInput().ConstInput({}, {100}, kInt32)
                   .Attr("num_heads", 12).Attr("past_present_share_buffer", 1).Count();
  ASSERT_TRUE(known.ok()) << known.status();
  EXPECT_EQ(known->matmul_flops, 3538944.0 + 2.0 * 1212 * 128);  // + 310272
  EXPECT_EQ(known->vector_flops, 6.0 * 1212);  // no bias, no mask
  EXPECT_TRUE(known->warning.empty());
  // Unknown value: the buffer length counts (S_total 1025) with a warning.
  auto unknown = NodeBuilder("Attention", "com.microsoft")
                     .Input({1, 1, 768}).Input({768, 2304}).AbsentInput().AbsentInput()
                     .Input({2, 1, 12, 1024, 64}).AbsentInput().Input({}, kInt32)
                     .Attr("num_heads", 12).Attr("past_present_share_buffer", 1).Count();
  ASSERT_TRUE(unknown.ok()) << unknown.status();
  EXPECT_EQ(unknown->matmul_flops, 3538944.0 + 2.0 * 12 * 1025 * 128);
  EXPECT_FALSE(unknown->warning.empty());
  // qkv_hidden_sizes 768, 768, 1536: d_k 64, d_v 128. Projection
  // 2*10*768*3072 = 47185920; scores 12*10*10 = 1200, core 2*1200*192 = 460800.
  auto sizes = NodeBuilder("Attention", "com.microsoft")
                   .Input({1, 10, 768}).Input({768, 3072})
                   .Attr("num_heads", 12).Attr("qkv_hidden_sizes", std::vector<int64_t>{768, 768, 1536})
                   .Count();
  ASSERT_TRUE(sizes.ok()) << sizes.status();
  EXPECT_EQ(sizes->matmul_flops, 47185920.0 + 460800.0);
  // do_rotary on the same BERT shapes: Q and K rotated, 2*128*12*64 = 196608
  // elements, 3 each = 589824 more.
  auto rot = BertAttention().Attr("do_rotary", 1).Count();
  ASSERT_TRUE(rot.ok()) << rot.status();
  EXPECT_EQ(rot->vector_flops, 1671168.0 + 589824.0);
}

TEST(ContribAttentionRule, FailurePaths) {
  auto sym = NodeBuilder("Attention", "com.microsoft")
                 .SymbolicInput({1, -1, 768}, {"", "sequence_length", ""}).Input({768, 2304})
                 .Attr("num_heads", 12).Count();
  ASSERT_FALSE(sym.ok());
  EXPECT_TRUE(Mentions(sym.status(), "sequence_length")) << sym.status();
  auto heads = NodeBuilder("Attention", "com.microsoft").Input({1, 8, 768}).Input({768, 2304})
                   .Count();
  ASSERT_FALSE(heads.ok());
  EXPECT_TRUE(Mentions(heads.status(), "num_heads")) << heads.status();
  EXPECT_FALSE(NodeBuilder("Attention", "com.microsoft").Input({1, 8, 768}).Input({768, 2304})
                   .Attr("num_heads", 7).Count().ok());
  EXPECT_FALSE(NodeBuilder("Attention", "com.microsoft").Input({1, 8, 512}).Input({768, 2304})
                   .Attr("num_heads", 12).Count().ok());
}

TEST(QAttentionRule, BertBaseInt8) {
  // As BertBase plus the dequantization of the 128*2304 projection.
  auto c = NodeBuilder("QAttention", "com.microsoft")
               .Input({1, 128, 768}, onnx::TensorProto::UINT8)
               .Input({768, 2304}, onnx::TensorProto::INT8).Input({2304}).Input({}).Input({})
               .Input({1}, kInt32).Attr("num_heads", 12).Count();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->matmul_flops, 503316480.0);
  EXPECT_EQ(c->vector_flops, 294912.0 + 294912.0 + 1376256.0);
}

// ---- ONNX Attention (opset 23) ----

TEST(OnnxAttentionRule, Bert4DWithMask) {
  auto c = NodeBuilder("Attention").Opset(23)
               .Input({1, 12, 128, 64}).Input({1, 12, 128, 64}).Input({1, 12, 128, 64})
               .Input({1, 1, 128, 128}).Count();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->matmul_flops, 50331648.0);  // 2*196608*128
  EXPECT_EQ(c->macs, 25165824.0);
  EXPECT_EQ(c->vector_flops, 7.0 * 196608);  // scale + mask + softmax
}

TEST(OnnxAttentionRule, LlamaGqaDecode3D) {
  // Llama-3-8B decode step: 32 query heads, 8 KV heads, head 128, past 1024.
  // S_total 1025; scores 32*1*1025 = 32800; core 2*32800*256 = 16793600;
  // vector (scale + softmax) 6*32800 = 196800. The causal count of a single
  // row keeps all 1025 keys: the option changes nothing.
  for (bool option : {false, true}) {
    RuleOptions o;
    o.causal_attention_half = option;
    auto c = NodeBuilder("Attention").Opset(23).Options(o)
                 .Input({1, 1, 4096}).Input({1, 1, 1024}).Input({1, 1, 1024}).AbsentInput()
                 .Input({1, 8, 1024, 128}).Input({1, 8, 1024, 128})
                 .Attr("q_num_heads", 32).Attr("kv_num_heads", 8).Attr("is_causal", 1).Count();
    ASSERT_TRUE(c.ok()) << c.status();
    EXPECT_EQ(c->matmul_flops, 16793600.0);
    EXPECT_EQ(c->macs, 8396800.0);
    EXPECT_EQ(c->vector_flops, 196800.0);
  }
}

TEST(OnnxAttentionRule, CausalPrefillAndChunk) {
  // Prefill 512 tokens, GQA 32/8, head 128, is_causal. Full: 32*512*512 =
  // 8388608 scores, 2*8388608*256 = 4294967296.
  auto full = NodeBuilder("Attention").Opset(23)
                  .Input({1, 32, 512, 128}).Input({1, 8, 512, 128}).Input({1, 8, 512, 128})
                  .Attr("is_causal", 1).Count();
  ASSERT_TRUE(full.ok()) << full.status();
  EXPECT_EQ(full->matmul_flops, 4294967296.0);
  EXPECT_EQ(full->vector_flops, 6.0 * 8388608);
  // Half: 512*513/2 = 131328 per head, 32*131328 = 4202496 scores;
  // 2*4202496*256 = 2151677952; 6*4202496 = 25214976.
  auto half = NodeBuilder("Attention").Opset(23).Options(CausalHalf())
                  .Input({1, 32, 512, 128}).Input({1, 8, 512, 128}).Input({1, 8, 512, 128})
                  .Attr("is_causal", 1).Count();
  ASSERT_TRUE(half.ok()) << half.status();
  EXPECT_EQ(half->matmul_flops, 2151677952.0);
  EXPECT_EQ(half->vector_flops, 25214976.0);
  // Chunked prefill: 4 new rows after a past of 6: rows see 7, 8, 9, 10 keys
  // = 34 = 4*6 + 4*5/2; d 8: 2*34*16 = 1088 (full: 4*10 = 40 scores, 1280).
  auto chunk = NodeBuilder("Attention").Opset(23).Options(CausalHalf())
                   .Input({1, 1, 4, 8}).Input({1, 1, 4, 8}).Input({1, 1, 4, 8}).AbsentInput()
                   .Input({1, 1, 6, 8}).Input({1, 1, 6, 8}).Attr("is_causal", 1).Count();
  ASSERT_TRUE(chunk.ok()) << chunk.status();
  EXPECT_EQ(chunk->matmul_flops, 1088.0);
  EXPECT_EQ(chunk->vector_flops, 6.0 * 34);
}

TEST(OnnxAttentionRule, SoftcapDifferentValueHeadAndNonpad) {
  // Gemma-2 style softcap: per score 1 + 3 + 5 = 9. Q/K head 16, V head 32:
  // scores 2*4*10*10 = 800, core 2*800*(16+32) = 76800.
  auto c = NodeBuilder("Attention").Opset(23)
               .Input({2, 4, 10, 16}).Input({2, 4, 10, 16}).Input({2, 4, 10, 32})
               .Attr("softcap", 50.0f).Count();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->matmul_flops, 76800.0);
  EXPECT_EQ(c->vector_flops, 9.0 * 800);
  // Opset 24 nonpad_kv_seqlen {10, 6} with 4 query rows over a 10-key cache:
  // offsets 6 and 2; rows see 7+8+9+10 = 34 and 3+4+5+6 = 18 keys: 52 scores
  // (full: 2*4*10 = 80); d 8: 2*52*16 = 1664.
  auto nonpad = NodeBuilder("Attention").Opset(24).Options(CausalHalf())
                    .Input({2, 1, 4, 8}).Input({2, 1, 10, 8}).Input({2, 1, 10, 8})
                    .AbsentInput().AbsentInput().AbsentInput().ConstInput({2}, {10, 6})
                    .Attr("is_causal", 1).Count();
  ASSERT_TRUE(nonpad.ok()) << nonpad.status();
  EXPECT_EQ(nonpad->matmul_flops, 1664.0);
  EXPECT_TRUE(nonpad->warning.empty());
  // Unknown lengths: every entry assumed full (offset 6): 2*34 = 68 scores.
  auto unknown = NodeBuilder("Attention").Opset(24).Options(CausalHalf())
                     .Input({2, 1, 4, 8}).Input({2, 1, 10, 8}).Input({2, 1, 10, 8})
                     .AbsentInput().AbsentInput().AbsentInput().Input({2})
                     .Attr("is_causal", 1).Count();
  ASSERT_TRUE(unknown.ok()) << unknown.status();
  EXPECT_EQ(unknown->matmul_flops, 2.0 * 68 * 16);
  EXPECT_FALSE(unknown->warning.empty());
}

TEST(OnnxAttentionRule, FailurePaths) {
  auto no_heads = NodeBuilder("Attention").Opset(23)
                      .Input({1, 1, 4096}).Input({1, 1, 1024}).Input({1, 1, 1024}).Count();
  ASSERT_FALSE(no_heads.ok());
  EXPECT_TRUE(Mentions(no_heads.status(), "q_num_heads")) << no_heads.status();
  auto sym = NodeBuilder("Attention").Opset(23)
                 .Input({1, 32, 1, 128}).Input({1, 8, 1, 128}).Input({1, 8, 1, 128}).AbsentInput()
                 .SymbolicInput({1, 8, -1, 128}, {"", "", "past_sequence_length", ""})
                 .Input({1, 8, 1, 128}).Count();
  ASSERT_FALSE(sym.ok());
  EXPECT_TRUE(Mentions(sym.status(), "past_sequence_length")) << sym.status();
  // 12 query heads cannot share 5 key heads; K head size must match Q's.
  EXPECT_FALSE(NodeBuilder("Attention").Opset(23)
                   .Input({1, 12, 8, 64}).Input({1, 5, 8, 64}).Input({1, 5, 8, 64}).Count().ok());
  EXPECT_FALSE(NodeBuilder("Attention").Opset(23)
                   .Input({1, 12, 8, 64}).Input({1, 12, 8, 32}).Input({1, 12, 8, 64}).Count().ok());
}

// ---- com.microsoft MultiHeadAttention ----

TEST(MultiHeadAttentionRule, BertSelfAttentionWithBias) {
  // Q, K, V [1,128,768] after separate projections, bias [2304]: bias adds
  // 128*768 + 128*(768+768) = 294912; core 50331648; 6*196608 = 1179648.
  auto c = NodeBuilder("MultiHeadAttention", "com.microsoft")
               .Input({1, 128, 768}).Input({1, 128, 768}).Input({1, 128, 768}).Input({2304})
               .Attr("num_heads", 12).Count();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->matmul_flops, 50331648.0);
  EXPECT_EQ(c->vector_flops, 294912.0 + 1179648.0);
  // Packed QKV [1,128,12,3,64], no bias: the same core.
  auto packed = NodeBuilder("MultiHeadAttention", "com.microsoft")
                    .Input({1, 128, 12, 3, 64}).Attr("num_heads", 12).Count();
  ASSERT_TRUE(packed.ok()) << packed.status();
  EXPECT_EQ(packed->matmul_flops, 50331648.0);
  EXPECT_EQ(packed->vector_flops, 1179648.0);
}

TEST(MultiHeadAttentionRule, WhisperCrossAttentionAndSelfWithPast) {
  // Whisper decoder cross-attention: query [1,1,768], cached K/V [1,12,1500,64],
  // bias only on Q (768 adds); scores 12*1500 = 18000, 2*18000*128 = 4608000,
  // key padding mask: 1 + 1 + 5 = 7 per score.
  auto cross = NodeBuilder("MultiHeadAttention", "com.microsoft")
                   .Input({1, 1, 768}).Input({1, 12, 1500, 64}).Input({1, 12, 1500, 64})
                   .Input({2304}).Input({1, 1500}, kInt32).Attr("num_heads", 12).Count();
  ASSERT_TRUE(cross.ok()) << cross.status();
  EXPECT_EQ(cross->matmul_flops, 4608000.0);
  EXPECT_EQ(cross->vector_flops, 768.0 + 7.0 * 18000);
  // Self-attention decode with past_key [1,12,127,64]: S_total 128, 1536
  // scores, 2*1536*128 = 393216; no bias, no mask.
  auto self = NodeBuilder("MultiHeadAttention", "com.microsoft")
                  .Input({1, 1, 768}).Input({1, 1, 768}).Input({1, 1, 768}).AbsentInput()
                  .AbsentInput().AbsentInput().Input({1, 12, 127, 64}).Input({1, 12, 127, 64})
                  .Attr("num_heads", 12).Attr("unidirectional", 1).Count();
  ASSERT_TRUE(self.ok()) << self.status();
  EXPECT_EQ(self->matmul_flops, 393216.0);
  EXPECT_EQ(self->vector_flops, 6.0 * 1536);
}

TEST(MultiHeadAttentionRule, FailurePaths) {
  auto heads = NodeBuilder("MultiHeadAttention", "com.microsoft")
                   .Input({1, 8, 768}).Input({1, 8, 768}).Input({1, 8, 768}).Count();
  ASSERT_FALSE(heads.ok());
  EXPECT_TRUE(Mentions(heads.status(), "num_heads")) << heads.status();
  auto sym = NodeBuilder("MultiHeadAttention", "com.microsoft")
                 .Input({1, 8, 768}).SymbolicInput({1, -1, 768}, {"", "encoder_sequence", ""})
                 .Input({1, 8, 768}).Attr("num_heads", 12).Count();
  ASSERT_FALSE(sym.ok());
  EXPECT_TRUE(Mentions(sym.status(), "encoder_sequence")) << sym.status();
}

// ---- com.microsoft DecoderMaskedMultiHeadAttention / DecoderMaskedSelfAttention ----

// Inputs 3..9: mask_index, attention_bias, past_key, past_value,
// past_sequence_length, beam_width, cache_indirection; then bias.
NodeBuilder DecoderSelfStep(Dims past, bool shared) {
  // onnxruntime's dmmha_self_attn.onnx at batch 2: Q, K, V [2,1,64], 2 heads
  // of 32, past [2,2,P,32], bias [192].
  NodeBuilder b("DecoderMaskedMultiHeadAttention", "com.microsoft");
  b.Input({2, 1, 64}).Input({2, 1, 64}).Input({2, 1, 64}).AbsentInput().AbsentInput()
      .Input(past).Input(past).ConstInput({1}, {31}, kInt32).Input({1}, kInt32)
      .Input({2, 1, 128}, kInt32).Input({192}).Attr("num_heads", 2);
  if (shared) b.Attr("past_present_share_buffer", 1);
  return b;
}

TEST(DecoderMaskedMultiHeadAttentionRule, SelfAttentionStepWithPast) {
  // Past 31 + the new token: S_total 32; scores = B*H*S_q*S_total =
  // 2*2*1*32 = 128; products 2*128*(32+32) = 16,384 (8,192 MACs). Vector:
  // bias on Q 2*1*64 = 128 and on the new K, V 2*1*(64+64) = 256, then
  // (scale 1 + softmax 5)*128 = 768: 1,152.
  auto c = DecoderSelfStep({2, 2, 31, 32}, false).Count();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->matmul_flops, 16384.0);
  EXPECT_EQ(c->macs, 8192.0);
  EXPECT_EQ(c->vector_flops, 1152.0);
  // A shared buffer of 128 positions holding past_sequence_length = 31: the same.
  auto shared = DecoderSelfStep({2, 2, 128, 32}, true).Count();
  ASSERT_TRUE(shared.ok()) << shared.status();
  EXPECT_EQ(shared->matmul_flops, 16384.0);
  EXPECT_TRUE(shared->warning.empty()) << shared->warning;
  // Its present outputs keep the buffer's shape; not shared, past + 1.
  auto shapes = DecoderSelfStep({2, 2, 128, 32}, true).Propagate();
  ASSERT_TRUE(shapes.ok()) << shapes.status();
  EXPECT_EQ((*shapes)[0].dims, (Dims{2, 1, 64}));
  EXPECT_EQ((*shapes)[1].dims, (Dims{2, 2, 128, 32}));
  auto grown = DecoderSelfStep({2, 2, 31, 32}, false).Propagate();
  ASSERT_TRUE(grown.ok()) << grown.status();
  EXPECT_EQ((*grown)[1].dims, (Dims{2, 2, 32, 32}));
}

TEST(DecoderMaskedMultiHeadAttentionRule, SharedBufferWithoutLengthWarns) {
  // past_sequence_length unknown: the buffer's 128 positions are the past,
  // S_total 129: 2*2*129 = 516 scores, 2*516*64 = 66,048.
  auto c = NodeBuilder("DecoderMaskedMultiHeadAttention", "com.microsoft")
               .Input({2, 1, 64}).Input({2, 1, 64}).Input({2, 1, 64}).AbsentInput()
               .AbsentInput().Input({2, 2, 128, 32}).Input({2, 2, 128, 32}).Input({1}, kInt32)
               .Attr("num_heads", 2).Attr("past_present_share_buffer", 1).Count();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->matmul_flops, 66048.0);
  EXPECT_NE(c->warning.find("past_sequence_length"), std::string::npos) << c->warning;
}

TEST(DecoderMaskedMultiHeadAttentionRule, CrossAttentionAndPackedQkv) {
  // dmmha_cross_attn.onnx at batch 2: Q [2,1,64], the encoder's K/V cache
  // [2,2,10,32], bias [192] on Q only (128 adds), raw mask [2,10] (1 per
  // score): 2*2*1*10 = 40 scores, 2*40*64 = 5,120; vector 128 + 7*40 = 408.
  auto cross = NodeBuilder("DecoderMaskedMultiHeadAttention", "com.microsoft")
                   .Input({2, 1, 64}).Input({2, 2, 10, 32}).Input({2, 2, 10, 32})
                   .Input({2, 10}, kInt32).AbsentInput().AbsentInput().AbsentInput()
                   .AbsentInput().AbsentInput().AbsentInput().Input({192})
                   .Attr("num_heads", 2).Count();
  ASSERT_TRUE(cross.ok()) << cross.status();
  EXPECT_EQ(cross->matmul_flops, 5120.0);
  EXPECT_EQ(cross->vector_flops, 128.0 + 7.0 * 40);
  auto qk = NodeBuilder("DecoderMaskedMultiHeadAttention", "com.microsoft")
                .Input({2, 1, 64}).Input({2, 2, 10, 32}).Input({2, 2, 10, 32})
                .Attr("num_heads", 2).Propagate();
  ASSERT_TRUE(qk.ok()) << qk.status();
  EXPECT_EQ((*qk)[0].dims, (Dims{2, 1, 64}));
  EXPECT_EQ((*qk)[3].dims, (Dims{2, 2, 1, 10}));
  // Packed QKV [2,1,192] (hidden 64 each) with past [2,2,31,32]: the
  // self-attention step's core, 16,384 and 6*128 = 768.
  auto packed = NodeBuilder("DecoderMaskedMultiHeadAttention", "com.microsoft")
                    .Input({2, 1, 192}).AbsentInput().AbsentInput().AbsentInput()
                    .AbsentInput().Input({2, 2, 31, 32}).Input({2, 2, 31, 32})
                    .Attr("num_heads", 2).Count();
  ASSERT_TRUE(packed.ok()) << packed.status();
  EXPECT_EQ(packed->matmul_flops, 16384.0);
  EXPECT_EQ(packed->vector_flops, 768.0);
}

TEST(DecoderMaskedMultiHeadAttentionRule, FailurePaths) {
  auto heads = NodeBuilder("DecoderMaskedMultiHeadAttention", "com.microsoft")
                   .Input({2, 1, 64}).Input({2, 1, 64}).Input({2, 1, 64}).Count();
  ASSERT_FALSE(heads.ok());
  EXPECT_TRUE(Mentions(heads.status(), "num_heads")) << heads.status();
  auto mixed = NodeBuilder("DecoderMaskedMultiHeadAttention", "com.microsoft")
                   .Input({2, 1, 64}).Input({2, 1, 64}).Input({2, 2, 10, 32})
                   .Attr("num_heads", 2).Count();
  ASSERT_FALSE(mixed.ok());
  EXPECT_TRUE(Mentions(mixed.status(), "cross")) << mixed.status();
  auto head_size = NodeBuilder("DecoderMaskedMultiHeadAttention", "com.microsoft")
                       .Input({2, 1, 64}).Input({2, 2, 10, 16}).Input({2, 2, 10, 16})
                       .Attr("num_heads", 2).Count();
  ASSERT_FALSE(head_size.ok());
  EXPECT_TRUE(Mentions(head_size.status(), "head size")) << head_size.status();
}

TEST(DecoderMaskedSelfAttentionRule, GptStepIsAttentionWithPast) {
  // input [2,1,768] x weights [768,2304]: 2*2304*768 = 3,538,944 MACs,
  // 7,077,888 FLOPs, + bias 2*2304 = 4,608. past [2,2,12,32,64]: S_total 33,
  // scores 2*12*1*33 = 792, core 2*792*(64+64) = 202,752; per score scale 1
  // + mask_index 1 + softmax 5 = 7: 5,544.
  auto c = NodeBuilder("DecoderMaskedSelfAttention", "com.microsoft")
               .Input({2, 1, 768}).Input({768, 2304}).Input({2304}).Input({2, 33}, kInt32)
               .Input({2, 2, 12, 32, 64}).Attr("num_heads", 12).Count();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->matmul_flops, 7077888.0 + 202752.0);
  EXPECT_EQ(c->vector_flops, 4608.0 + 5544.0);
  // Present [2, B, heads, past+1, d]; a shared buffer keeps the past's shape.
  auto grown = NodeBuilder("DecoderMaskedSelfAttention", "com.microsoft")
                   .Input({2, 1, 768}).Input({768, 2304}).Input({2304}).AbsentInput()
                   .Input({2, 2, 12, 32, 64}).Attr("num_heads", 12).Propagate();
  ASSERT_TRUE(grown.ok()) << grown.status();
  EXPECT_EQ((*grown)[1].dims, (Dims{2, 2, 12, 33, 64}));
  auto shared = NodeBuilder("DecoderMaskedSelfAttention", "com.microsoft")
                    .Input({2, 1, 768}).Input({768, 2304}).Input({2304}).AbsentInput()
                    .Input({2, 2, 12, 256, 64}).AbsentInput().ConstInput({1}, {32}, kInt32)
                    .Attr("num_heads", 12).Attr("past_present_share_buffer", 1).Propagate();
  ASSERT_TRUE(shared.ok()) << shared.status();
  EXPECT_EQ((*shared)[1].dims, (Dims{2, 2, 12, 256, 64}));
}

// ---- com.microsoft GroupQueryAttention ----

NodeBuilder LlamaGqa(int64_t s, int64_t past) {
  // Llama-3-8B layer: 32 query heads, 8 KV heads, head 128.
  NodeBuilder b("GroupQueryAttention", "com.microsoft");
  b.Input({1, s, 4096}).Input({1, s, 1024}).Input({1, s, 1024})
      .Input({1, 8, past, 128}).Input({1, 8, past, 128})
      .Input({1}, kInt32).Input({}, kInt32)
      .Attr("num_heads", 32).Attr("kv_num_heads", 8);
  return b;
}

TEST(GroupQueryAttentionRule, LlamaDecode) {
  // S 1, past 1024: S_total 1025, 32800 scores, 2*32800*256 = 16793600,
  // 6*32800 = 196800; unchanged by the causal option.
  for (bool option : {false, true}) {
    RuleOptions o;
    o.causal_attention_half = option;
    auto c = LlamaGqa(1, 1024).Options(o).Count();
    ASSERT_TRUE(c.ok()) << c.status();
    EXPECT_EQ(c->matmul_flops, 16793600.0);
    EXPECT_EQ(c->vector_flops, 196800.0);
  }
  // do_rotary with cos_cache [131072, 64] (rotary dim 128): Q 32*128 + K
  // 8*128 = 5120 rotated elements, 3 each = 15360.
  auto rot = LlamaGqa(1, 1024).Input({131072, 64}).Input({131072, 64})
                 .Attr("do_rotary", 1).Count();
  ASSERT_TRUE(rot.ok()) << rot.status();
  EXPECT_EQ(rot->vector_flops, 196800.0 + 15360.0);
}

TEST(GroupQueryAttentionRule, PrefillCausalWindowAndTotalLength) {
  // Prefill 512 with an empty past [1,8,0,128]: full 8388608 scores, causal
  // 4202496 (as the ONNX Attention test).
  auto full = LlamaGqa(512, 0).Count();
  ASSERT_TRUE(full.ok()) << full.status();
  EXPECT_EQ(full->matmul_flops, 4294967296.0);
  auto half = LlamaGqa(512, 0).Options(CausalHalf()).Count();
  ASSERT_TRUE(half.ok()) << half.status();
  EXPECT_EQ(half->matmul_flops, 2151677952.0);
  EXPECT_EQ(half->vector_flops, 25214976.0);
  // causal=0 (bidirectional): the option does not apply.
  auto bidir = LlamaGqa(512, 0).Options(CausalHalf()).Attr("causal", 0).Count();
  ASSERT_TRUE(bidir.ok());
  EXPECT_EQ(bidir->matmul_flops, 4294967296.0);
  // Sliding window 3 over 8 rows: rows see 1, 2, 3, 4, 4, 4, 4, 4 = 26 keys
  // (full 64); 1 head of 4: 2*26*8 = 416.
  auto window = NodeBuilder("GroupQueryAttention", "com.microsoft").Options(CausalHalf())
                    .Input({1, 8, 4}).Input({1, 8, 4}).Input({1, 8, 4})
                    .Input({1, 1, 0, 4}).Input({1, 1, 0, 4}).Input({1}, kInt32).Input({}, kInt32)
                    .Attr("num_heads", 1).Attr("kv_num_heads", 1)
                    .Attr("local_window_size", 3).Count();
  ASSERT_TRUE(window.ok()) << window.status();
  EXPECT_EQ(window->matmul_flops, 416.0);
  // total_sequence_length known (1025) while past_key's shape is not.
  auto total = NodeBuilder("GroupQueryAttention", "com.microsoft")
                   .Input({1, 1, 4096}).Input({1, 1, 1024}).Input({1, 1, 1024})
                   .UnknownInput().UnknownInput().Input({1}, kInt32).ConstInput({}, {1025}, kInt32)
                   .Attr("num_heads", 32).Attr("kv_num_heads", 8).Count();
  ASSERT_TRUE(total.ok()) << total.status();
  EXPECT_EQ(total->matmul_flops, 16793600.0);
  // Packed QKV [1,1,(32+16)*128 = 6144]: head 128, same core.
  auto packed = NodeBuilder("GroupQueryAttention", "com.microsoft")
                    .Input({1, 1, 6144}).AbsentInput().AbsentInput()
                    .Input({1, 8, 1024, 128}).Input({1, 8, 1024, 128})
                    .Input({1}, kInt32).Input({}, kInt32)
                    .Attr("num_heads", 32).Attr("kv_num_heads", 8).Count();
  ASSERT_TRUE(packed.ok()) << packed.status();
  EXPECT_EQ(packed->matmul_flops, 16793600.0);
}

TEST(GroupQueryAttentionRule, FailurePaths) {
  auto kv = NodeBuilder("GroupQueryAttention", "com.microsoft")
                .Input({1, 1, 4096}).Input({1, 1, 1024}).Input({1, 1, 1024})
                .Attr("num_heads", 32).Count();
  ASSERT_FALSE(kv.ok());
  EXPECT_TRUE(Mentions(kv.status(), "kv_num_heads")) << kv.status();
  auto past = NodeBuilder("GroupQueryAttention", "com.microsoft")
                  .Input({1, 1, 4096}).Input({1, 1, 1024}).Input({1, 1, 1024})
                  .SymbolicInput({1, 8, -1, 128}, {"", "", "past_sequence_length", ""})
                  .Input({1, 8, 1, 128}).Input({1}, kInt32).Input({}, kInt32)
                  .Attr("num_heads", 32).Attr("kv_num_heads", 8).Count();
  ASSERT_FALSE(past.ok());
  EXPECT_TRUE(Mentions(past.status(), "past_sequence_length")) << past.status();
  EXPECT_FALSE(NodeBuilder("GroupQueryAttention", "com.microsoft")
                   .Input({1, 1, 4096}).Input({1, 1, 1024}).Input({1, 1, 1024})
                   .Attr("num_heads", 32).Attr("kv_num_heads", 5).Count().ok());
}

// ---- RotaryEmbedding ----

TEST(RotaryEmbeddingRule, FullAndPartial) {
  // com.microsoft, 3-D [1,128,4096], full rotation: 3*524288 = 1572864.
  auto full = NodeBuilder("RotaryEmbedding", "com.microsoft")
                  .Input({1, 128, 4096}).Input({1, 128}).Input({4096, 64}).Input({4096, 64})
                  .Attr("num_heads", 32).Count();
  ASSERT_TRUE(full.ok()) << full.status();
  EXPECT_EQ(full->vector_flops, 1572864.0);
  EXPECT_EQ(full->matmul_flops, 0.0);
  // ONNX opset 23, 4-D [1,32,128,128] rotating 64 of 128: 524288/128*64 =
  // 262144 rotated, 786432.
  auto partial = NodeBuilder("RotaryEmbedding").Opset(23)
                     .Input({1, 32, 128, 128}).Input({4096, 32}).Input({4096, 32})
                     .Attr("rotary_embedding_dim", 64).Count();
  ASSERT_TRUE(partial.ok()) << partial.status();
  EXPECT_EQ(partial->vector_flops, 786432.0);
  // Phi-2: hidden 2560 = 32 heads of 80, rotary dim 32: 327680/80*32 =
  // 131072 rotated, 393216.
  auto phi = NodeBuilder("RotaryEmbedding", "com.microsoft")
                 .Input({1, 128, 2560}).Input({1, 128}).Input({2048, 16}).Input({2048, 16})
                 .Attr("num_heads", 32).Attr("rotary_embedding_dim", 32).Count();
  ASSERT_TRUE(phi.ok()) << phi.status();
  EXPECT_EQ(phi->vector_flops, 393216.0);
  // Unknown X, known output: the output's shape counts.
  auto out = NodeBuilder("RotaryEmbedding").Opset(23).UnknownInput().Output({1, 8, 4, 16})
                 .Count();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->vector_flops, 3.0 * 512);
}

TEST(RotaryEmbeddingRule, FailurePaths) {
  auto heads = NodeBuilder("RotaryEmbedding").Opset(23)
                   .Input({1, 128, 2560}).Attr("rotary_embedding_dim", 32).Count();
  ASSERT_FALSE(heads.ok());
  EXPECT_TRUE(Mentions(heads.status(), "num_heads")) << heads.status();
  auto sym = NodeBuilder("RotaryEmbedding").Opset(23)
                 .SymbolicInput({1, 32, -1, 128}, {"", "", "seq", ""}).Count();
  ASSERT_FALSE(sym.ok());
  EXPECT_TRUE(Mentions(sym.status(), "seq")) << sym.status();
  EXPECT_FALSE(NodeBuilder("RotaryEmbedding").Opset(23).Input({1, 2, 4, 16})
                   .Attr("rotary_embedding_dim", 32).Count().ok());
}

}  // namespace
}  // namespace onnx_flops
