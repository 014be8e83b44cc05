"""Reports: the five comparisons of service groups (`five_comparisons`), the figures the
dashboard and the charts show, and their export. Every figure is an SQL aggregate over a
constant number of queries; `sql` holds the portable pieces (durations, medians)."""
