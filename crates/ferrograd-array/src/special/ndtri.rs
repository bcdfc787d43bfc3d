//! The standard normal quantile Φ⁻¹ (probit, `ndtri`) and the inverse error function, both
//! from one core: Wichura, "Algorithm AS 241: The percentage points of the normal
//! distribution", Applied Statistics 37(3), 477–484 (1988), the `PPND16` rational
//! approximations (as in R's `qnorm`), accurate to about 1e-16 relative.

/// Evaluates a polynomial with coefficients in increasing degree order (Horner's rule).
fn poly(c: &[f64], x: f64) -> f64 {
    c.iter().rev().fold(0.0, |acc, &ci| acc * x + ci)
}

/// AS 241 given `q = p − ½` and `tail = min(p, 1 − p)`, each computed exactly by the caller
/// (so that erfinv, whose argument is 2q, loses nothing to forming p). Three regions:
/// |q| ≤ 0.425, then r = √(−ln tail) ≤ 5, then beyond.
// The coefficients keep the paper's published digits, so they can be checked against it.
#[allow(clippy::excessive_precision)]
fn as241(q: f64, tail: f64) -> f64 {
    const A: [f64; 8] = [
        3.387_132_872_796_366_608,
        133.141_667_891_784_377_45,
        1_971.590_950_306_551_442_7,
        13_731.693_765_509_461_125,
        45_921.953_931_549_871_457,
        67_265.770_927_008_700_853,
        33_430.575_583_588_128_105,
        2_509.080_928_730_122_672_7,
    ];
    const B: [f64; 8] = [
        1.0,
        42.313_330_701_600_911_252,
        687.187_007_492_057_908_3,
        5_394.196_021_424_751_107_7,
        21_213.794_301_586_595_867,
        39_307.895_800_092_710_61,
        28_729.085_735_721_942_674,
        5_226.495_278_852_854_561,
    ];
    const C: [f64; 8] = [
        1.423_437_110_749_683_577_34,
        4.630_337_846_156_545_295_9,
        5.769_497_221_460_691_405_5,
        3.647_848_324_763_204_605_04,
        1.270_458_252_452_368_382_58,
        0.241_780_725_177_450_611_77,
        0.022_723_844_989_269_184_583_3,
        7.745_450_142_783_414_076_4e-4,
    ];
    const D: [f64; 8] = [
        1.0,
        2.053_191_626_637_758_821_87,
        1.676_384_830_183_803_849_4,
        0.689_767_334_985_100_004_55,
        0.148_103_976_427_480_074_59,
        0.015_198_666_563_616_457_196_6,
        5.475_938_084_995_344_946e-4,
        1.050_750_071_644_416_843_24e-9,
    ];
    const E: [f64; 8] = [
        6.657_904_643_501_103_777_2,
        5.463_784_911_164_114_369_9,
        1.784_826_539_917_291_335_8,
        0.296_560_571_828_504_891_23,
        0.026_532_189_526_576_123_093,
        0.001_242_660_947_388_078_438_6,
        2.711_555_568_743_487_578_15e-5,
        2.010_334_399_292_288_132_65e-7,
    ];
    const F: [f64; 8] = [
        1.0,
        0.599_832_206_555_887_937_69,
        0.136_929_880_922_735_805_31,
        0.014_875_361_290_850_614_852_5,
        7.868_691_311_456_132_591e-4,
        1.846_318_317_510_054_681_8e-5,
        1.421_511_758_316_445_888_7e-7,
        2.044_263_103_389_939_785_64e-15,
    ];
    if q.abs() <= 0.425 {
        let r = 0.180_625 - q * q;
        return q * poly(&A, r) / poly(&B, r);
    }
    if tail <= 0.0 {
        return if q < 0.0 {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        };
    }
    let r = (-tail.ln()).sqrt();
    let val = if r <= 5.0 {
        poly(&C, r - 1.6) / poly(&D, r - 1.6)
    } else {
        poly(&E, r - 5.0) / poly(&F, r - 5.0)
    };
    if q < 0.0 {
        -val
    } else {
        val
    }
}

/// Φ⁻¹(p), the standard normal quantile (SciPy's `ndtri`, the probit): −∞ at 0, +∞ at 1,
/// NaN outside [0, 1].
pub fn ndtri(p: f64) -> f64 {
    if !(0.0..=1.0).contains(&p) {
        return f64::NAN;
    }
    // 1 − p is exact for p ≥ ½ (Sterbenz's lemma), so the right tail keeps its accuracy.
    let q = p - 0.5;
    as241(q, if q < 0.0 { p } else { 1.0 - p })
}

/// erf⁻¹(x) = Φ⁻¹((1 + x)/2)/√2 for x in [−1, 1] (±∞ at ±1, NaN outside), with p never
/// formed: q = x/2 and the tail (1 − |x|)/2 are exact, so tiny |x| keeps full relative
/// accuracy (erf⁻¹(x) ≈ √π x/2) and so does x near ±1.
pub fn erfinv(x: f64) -> f64 {
    if !(-1.0..=1.0).contains(&x) {
        return f64::NAN;
    }
    as241(0.5 * x, 0.5 * (1.0 - x.abs())) * std::f64::consts::FRAC_1_SQRT_2
}
