"""Course wishes ("Kurs gewünscht", issue 21): a person whose catalogue search found nothing,
or whose course has no date, says which course they want. The flow: the catalogue links
here by URL with its search's parameters (`selectors.wish_initial` reads them), the form
is saved by `services.course_wish_submit` (an e-mail only with double opt-in), the demand
board counts the wishes (`selectors.wish_groups`, and beside the company needs
`selectors.demand_side_by_side`) and a daily task removes addresses that served their
purpose (`services.course_wishes_retain`). The model is in counselling.models.
"""
