"""The figures a leaflet's list can be drawn as (templates/figures/<name>.html), and the
places each can mark, by the English wording of a list item: the figure labels each place
with the item's own text, so the label is translated and spoken with the list.
A list item that is not one of its figure's places is listed but not drawn
(`kiosk leaflet check` warns); a figure not named here cannot be used."""

FIGURES: dict[str, tuple[str, ...]] = {
    # templates/figures/body-map.html: its `places`, front and back views.
    "body-map": ("Neck", "Upper back", "Lower back", "Buttocks"),
}
