#include "analyzer/util/number_format.h"

#include "gtest/gtest.h"

namespace onnx_flops {
namespace {

TEST(NumberFormat, EachStyleOnHandPickedValues) {
  EXPECT_EQ(ExactNumber(8206317544), "8206317544");
  EXPECT_EQ(ExactNumber(0.25), "0.25");
  EXPECT_EQ(ExactNumber(2.147160283787674e+17), "2.1471602837876739e+17");  // past 2^53: 17 digits
  EXPECT_EQ(CsvField("plain"), "plain");
  EXPECT_EQ(CsvField("a,b"), "\"a,b\"");
  EXPECT_EQ(CsvField("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(Grouped(8206317544), "8,206,317,544");
  EXPECT_EQ(Grouped(-1234), "-1,234");
  EXPECT_EQ(Grouped(203.54), "203.5");
  EXPECT_EQ(Grouped(2e15), "2e+15");
  EXPECT_EQ(Si(8206317544), "8.21 G");
  EXPECT_EQ(Si(407100), "407 K");
  EXPECT_EQ(Si(12), "12 ");
  EXPECT_EQ(Scientific(2.84e18), "2.84e+18");
  EXPECT_EQ(FormatCount(4096), "4096");
  EXPECT_EQ(FormatCount(1.0 / 3), "0.333333");
}

TEST(NumberFormat, SiPadsOnlyForTables) {
  EXPECT_EQ(Si(12), "12 ");  // a column: the space stands where a prefix would be
  EXPECT_EQ(Si(12, false), "12");
  EXPECT_EQ(Si(0, false), "0");
  EXPECT_EQ(Si(407000, false), "407 K");
}

}  // namespace
}  // namespace onnx_flops
