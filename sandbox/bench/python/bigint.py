# Arbitrary-precision integers: a factorial's digit sum.
import sys

sys.set_int_max_str_digits(0)
n = int(sys.stdin.readline())
f = 1
for i in range(2, n + 1):
    f *= i
print(sum(map(int, str(f))))
