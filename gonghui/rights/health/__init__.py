"""Enterprise legal health checks (企业"法治体检"): the indicator tree, the checks of
enterprises (self-assessment, street review, district verification), their findings and
follow-ups, the printed report and the coverage figures. See docs/rights.md."""
