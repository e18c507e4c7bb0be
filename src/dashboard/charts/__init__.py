"""What every chart and map shares: the chart view (a chart with its table, takeaway and alt text),
the scales, axes and marks of the Altair charts, and the screen geometry and label placement used by
both the map and the network picture."""
