By . Daily Mail Reporter . PUBLISHED: . 12:00 EST, 1 April 2015 .

A bridge over the River Garrow that was closed 85 years ago has reopened to walkers and cyclists in Elmstead.

The repairs were paid for by local people, who raised money by selling wild honey at weekend markets.

Grace Kowalski, who led the campaign, said the crossing would bring visitors from Westmoor back to the old town.

@highlight

Bridge over the River Garrow reopens after 85 years

@highlight

Repairs in Elmstead were paid for by local fundraising

@highlight

Campaign leader Grace Kowalski hopes for more visitors
