// Pair Sums -- RE from group 2 (20 points): storage sized for n <= 2000 and accessed with .at();
// n > 2000 throws std::out_of_range (uncaught => abort).
#include <bits/stdc++.h>
using namespace std;
int main() {
    long long n, X, M;
    unsigned long long s;
    if (!(cin >> n >> X >> M >> s)) return 1;
    vector<long long> a(2001);
    for (long long k = 0; k < n; ++k) {
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        a.at(k) = (long long)((s >> 33) % (unsigned long long)(2 * M + 1)) - M;
    }
    sort(a.begin(), a.begin() + n);
    long long cnt = 0;
    for (long long i = 0, j = n - 1; i < j;) {
        if (a.at(i) + a.at(j) <= X) { cnt += j - i; ++i; }
        else --j;
    }
    cout << cnt << "\n";
}
