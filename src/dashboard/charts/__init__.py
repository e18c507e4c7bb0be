"""What every chart and map shares: the chart view (a chart with its table, takeaway and alt text),
screen geometry and the label placement used by both the map and the network picture."""
