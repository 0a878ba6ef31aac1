"""Khen thưởng: award forms, commendation proposals built from a round's results, the
decisions that grant them and the revocations that undo them."""
