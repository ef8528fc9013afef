/*
 * think.c - think-time distributions of the simulated players: fixed,
 * uniform, exponential (capped) and lognormal (capped). Reading times of
 * exam questions are skewed to the right (most answer within a typical
 * time, a few take far longer): the lognormal, given by its median and
 * sigma, is the usual model of them; `--think lognormal:20000:0.6:120000`
 * has half the answers within 20 s, 95 % within about 54 s, none over 120 s.
 */
#include <math.h>

#include "lg.h"

double lg_think_draw(const lg_think *t, double (*rnd)(void *), void *ud)
{
	switch (t->kind) {
	case LG_THINK_UNIFORM:
		return t->a + (t->b - t->a) * rnd(ud);
	case LG_THINK_EXP: {
		double v = -t->a * log(1.0 - rnd(ud));
		return t->b > 0 && v > t->b ? t->b : v;
	}
	case LG_THINK_LOGN: {
		/* Box-Muller: one standard normal from two uniforms in (0, 1] and [0, 1) */
		double u1 = 1.0 - rnd(ud), u2 = rnd(ud);
		double z = sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
		double v = t->a * exp(t->b * z);
		return t->cap > 0 && v > t->cap ? t->cap : v;
	}
	default:
		return t->a;
	}
}
