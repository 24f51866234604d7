// Plain streams, as beginners and many models write them: cin/cout still synchronised with
// stdio, cin tied to cout, endl after every line; reads n then n integers, prints each doubled.
#include <bits/stdc++.h>
using namespace std;
int main() {
    int n;
    if (!(cin >> n)) return 1;
    long long sum = 0;
    vector<long long> v(n);
    for (auto &e : v) { cin >> e; sum += e; }
    for (auto e : v) cout << 2 * e << endl;
    cout << sum << endl;
}
