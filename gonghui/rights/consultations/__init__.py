"""Platform consultation (平台企业协商协调机制): a round table per platform and area,
its meetings and attendees, the agreed items with an owner and a due date, tracked to
done and reported back to the workers. See docs/rights.md."""
