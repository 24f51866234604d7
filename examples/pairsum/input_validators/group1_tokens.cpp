// Input validator for Pair Sums, group 1, written independently of group1.c: reads the tokens
// with iostream and exits 0 when valid, 1 otherwise (the testlib convention).
#include <iostream>
#include <string>

int main() {
    long long n, x, m;
    unsigned long long s;
    if (!(std::cin >> n >> x >> m >> s)) return 1;
    std::string more;
    if (std::cin >> more) return 1;
    bool ok = 1 <= n && n <= 2000 && 1 <= m && m <= 1000000 && -3000000000LL <= x &&
              x <= 3000000000LL;
    return ok ? 0 : 1;
}
