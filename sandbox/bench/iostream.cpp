// cin/cout of 10^6 numbers: reads n then n integers, prints each doubled on its own line, as
// contest code does (with the usual sync_with_stdio(false) and untied cin).
#include <bits/stdc++.h>
using namespace std;
int main() {
    ios::sync_with_stdio(false);
    cin.tie(nullptr);
    int n;
    if (!(cin >> n)) return 1;
    long long sum = 0;
    vector<long long> v(n);
    for (auto &e : v) { cin >> e; sum += e; }
    for (auto e : v) cout << 2 * e << '\n';
    cout << sum << '\n';
}
