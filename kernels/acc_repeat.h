/* Statements repeated for accumulator j = 0 .. NACC-1 by the preprocessor (NACC 1..32), so a kernel's
 * independent accumulators are separate variables in straight-line code whatever the compiler does
 * with `#pragma unroll` (Mesa llvmpipe leaves such loops as loops, and counts their trips against its
 * loop limit). FOR_ACC(M) expands M(0) M(1) ... M(NACC-1). */
#ifndef OCLAB_KERNELS_ACC_REPEAT_H
#define OCLAB_KERNELS_ACC_REPEAT_H

#define ACC_CAT_(a, b) a##b
#define ACC_CAT(a, b) ACC_CAT_(a, b)
#define FOR_ACC(M) ACC_CAT(FOR_ACC_, NACC)(M)

#define FOR_ACC_1(M) M(0)
#define FOR_ACC_2(M) FOR_ACC_1(M) M(1)
#define FOR_ACC_3(M) FOR_ACC_2(M) M(2)
#define FOR_ACC_4(M) FOR_ACC_3(M) M(3)
#define FOR_ACC_5(M) FOR_ACC_4(M) M(4)
#define FOR_ACC_6(M) FOR_ACC_5(M) M(5)
#define FOR_ACC_7(M) FOR_ACC_6(M) M(6)
#define FOR_ACC_8(M) FOR_ACC_7(M) M(7)
#define FOR_ACC_9(M) FOR_ACC_8(M) M(8)
#define FOR_ACC_10(M) FOR_ACC_9(M) M(9)
#define FOR_ACC_11(M) FOR_ACC_10(M) M(10)
#define FOR_ACC_12(M) FOR_ACC_11(M) M(11)
#define FOR_ACC_13(M) FOR_ACC_12(M) M(12)
#define FOR_ACC_14(M) FOR_ACC_13(M) M(13)
#define FOR_ACC_15(M) FOR_ACC_14(M) M(14)
#define FOR_ACC_16(M) FOR_ACC_15(M) M(15)
#define FOR_ACC_17(M) FOR_ACC_16(M) M(16)
#define FOR_ACC_18(M) FOR_ACC_17(M) M(17)
#define FOR_ACC_19(M) FOR_ACC_18(M) M(18)
#define FOR_ACC_20(M) FOR_ACC_19(M) M(19)
#define FOR_ACC_21(M) FOR_ACC_20(M) M(20)
#define FOR_ACC_22(M) FOR_ACC_21(M) M(21)
#define FOR_ACC_23(M) FOR_ACC_22(M) M(22)
#define FOR_ACC_24(M) FOR_ACC_23(M) M(23)
#define FOR_ACC_25(M) FOR_ACC_24(M) M(24)
#define FOR_ACC_26(M) FOR_ACC_25(M) M(25)
#define FOR_ACC_27(M) FOR_ACC_26(M) M(26)
#define FOR_ACC_28(M) FOR_ACC_27(M) M(27)
#define FOR_ACC_29(M) FOR_ACC_28(M) M(28)
#define FOR_ACC_30(M) FOR_ACC_29(M) M(29)
#define FOR_ACC_31(M) FOR_ACC_30(M) M(30)
#define FOR_ACC_32(M) FOR_ACC_31(M) M(31)

#endif
