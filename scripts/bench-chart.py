#!/usr/bin/env python3
"""Draws scripts/bench.sh's figures as one SVG (no plotting library needed).

  python3 scripts/bench-chart.py artifacts/bench/bench.log artifacts/bench/bench.svg

Left: where each run's CPU went, in milliseconds a ticket, role by role (the machine has
2 cores, so 2,000 ms a second of CPU bounds tickets a second at 2,000 / the bar's length).
Right: the open-loop runs' 202 latency (p50, p99, p99.9) against the rate offered.
"""
import re
import sys
from html import escape

ROLE_COLOURS = {
    "postgresql": "#336791", "intake": "#e07b39", "dispatch": "#3a9e5c", "redis": "#d63a2f",
    "analytics": "#8e63b5", "callback": "#c2a83e", "sla-sweeper": "#6c757d", "dev-sink": "#b0b0b0",
    "api": "#17a2b8", "load generator": "#dddddd",
}


def parse(text):
    runs, current = [], None
    for line in text.splitlines():
        if line.startswith("== "):
            current = {"title": line[3:], "cpu": {}, "latency": None, "rate": None, "tickets": None}
            runs.append(current)
            offered = re.search(r"(\d+) appeals a second offered", line)
            if offered:
                current["rate"] = int(offered.group(1))
        elif current is None:
            continue
        elif line.startswith("CPU a ticket, ms:"):
            for name, value in re.findall(r"([a-z-]+) ([\d.]+)", line.split(":", 1)[1]):
                current["cpu"][name] = float(value)
        elif line.startswith("load generator"):
            current["cpu"]["load generator"] = float(re.search(r"([\d.]+) ms", line).group(1))
        elif line.startswith("202 latency"):
            current["latency"] = [float(v) for v in re.findall(r"p[\d.]+ ([\d.]+)", line)]
        elif line.startswith("end to end"):
            current["tickets"] = float(re.search(r"([\d.]+) tickets/s", line).group(1))
    return [run for run in runs if run["cpu"]]


def label(run):
    if run["rate"]:
        return f"open loop, {run['rate']}/s offered"
    roles = re.search(r"= ([\d ]+);", run["title"])
    counts = roles.group(1).split() if roles else []
    return "whole fleet, closed loop" if len(counts) == 6 and counts[2] != "0" else "intake + dispatch, closed loop"


def draw(runs):
    width, height, left = 1100, 90 + 46 * max(len(runs), 4), 230
    bar_width = 430
    longest = max(sum(run["cpu"].values()) for run in runs)
    scale = bar_width / longest
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="12">',
           '<rect width="100%" height="100%" fill="white"/>',
           '<text x="10" y="22" font-size="15" font-weight="bold">CPU a ticket by role (ms; 2 cores = 2,000 ms a second)</text>']
    for i, run in enumerate(runs):
        y = 50 + 46 * i
        out.append(f'<text x="10" y="{y + 15}">{escape(label(run))}</text>')
        if run["tickets"]:
            out.append(f'<text x="10" y="{y + 30}" fill="#555">{run["tickets"]:.0f} tickets/s end to end</text>')
        x = left
        for name, value in sorted(run["cpu"].items(), key=lambda item: -item[1]):
            if value <= 0:
                continue
            w = value * scale
            out.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="22" fill="{ROLE_COLOURS.get(name, "#999")}">'
                       f'<title>{escape(name)} {value:.2f} ms</title></rect>')
            if w > 34:
                ink = "black" if name in ("load generator", "dev-sink", "callback") else "white"
                out.append(f'<text x="{x + 3:.1f}" y="{y + 15}" fill="{ink}" font-size="10">{value:.2f}</text>')
            x += w
        out.append(f'<text x="{x + 6:.1f}" y="{y + 15}">{sum(run["cpu"].values()):.2f} ms</text>')
    legend_y = 50 + 46 * len(runs) + 4
    x = 10
    for name, colour in ROLE_COLOURS.items():
        out.append(f'<rect x="{x}" y="{legend_y}" width="10" height="10" fill="{colour}"/><text x="{x + 14}" y="{legend_y + 9}">{name}</text>')
        x += 20 + 7 * len(name)

    open_loop = [run for run in runs if run["rate"] and run["latency"]]
    if open_loop:
        ox, oy, ow, oh = 760, 50, 300, 220
        top = max(max(run["latency"]) for run in open_loop) * 1.1
        rates = [run["rate"] for run in open_loop]
        out.append(f'<text x="{ox - 40}" y="22" font-size="15" font-weight="bold">202 latency vs rate offered (ms)</text>')
        out.append(f'<line x1="{ox}" y1="{oy + oh}" x2="{ox + ow}" y2="{oy + oh}" stroke="black"/>'
                   f'<line x1="{ox}" y1="{oy}" x2="{ox}" y2="{oy + oh}" stroke="black"/>')
        for tick in range(0, int(top) + 1, max(10, int(top / 5) // 10 * 10)):
            ty = oy + oh - tick / top * oh
            out.append(f'<line x1="{ox - 4}" y1="{ty:.1f}" x2="{ox + ow}" y2="{ty:.1f}" stroke="#eee"/>'
                       f'<text x="{ox - 8}" y="{ty + 4:.1f}" text-anchor="end">{tick}</text>')
        goal = oy + oh - 50 / top * oh
        if 50 < top:
            out.append(f'<line x1="{ox}" y1="{goal:.1f}" x2="{ox + ow}" y2="{goal:.1f}" stroke="#d63a2f" stroke-dasharray="4 3"/>'
                       f'<text x="{ox + ow - 2}" y="{goal - 4:.1f}" text-anchor="end" fill="#d63a2f">goal: p99 50 ms</text>')

        def px(rate):
            return ox + 20 + (rate - min(rates)) / max(1, max(rates) - min(rates)) * (ow - 40)

        for index, (name, colour) in enumerate([("p50", "#3a9e5c"), ("p99", "#e07b39"), ("p99.9", "#8e63b5")]):
            points = [(px(run["rate"]), oy + oh - run["latency"][index] / top * oh) for run in open_loop]
            out.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{" ".join(f"{x:.1f},{y:.1f}" for x, y in points)}"/>')
            for (x, y), run in zip(points, open_loop):
                out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"><title>{name} {run["latency"][index]} ms at {run["rate"]}/s</title></circle>')
            out.append(f'<text x="{ox + ow + 6}" y="{oy + 14 + 16 * index}" fill="{colour}">{name}</text>')
        for rate in rates:
            out.append(f'<text x="{px(rate):.1f}" y="{oy + oh + 16}" text-anchor="middle">{rate}/s</text>')
    out.append("</svg>")
    return "\n".join(out)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    runs = parse(open(sys.argv[1], encoding="utf-8").read())
    if not runs:
        sys.exit(f"no CPU figures in {sys.argv[1]}: is it scripts/bench.sh's output?")
    with open(sys.argv[2], "w", encoding="utf-8") as svg:
        svg.write(draw(runs))
    print(f"chart: {sys.argv[2]}")


if __name__ == "__main__":
    main()
