By . Daily Mail Reporter . PUBLISHED: . 12:00 EST, 1 April 2015 .

A bridge over the River Arlow that was closed 50 years ago has reopened to walkers and cyclists in Oakridge.

The repairs were paid for by local people, who raised money by selling wool blankets at weekend markets.

David Okafor, who led the campaign, said the crossing would bring visitors from Westmoor back to the old town.

@highlight

Bridge over the River Arlow reopens after 50 years

@highlight

Repairs in Oakridge were paid for by local fundraising

@highlight

Campaign leader David Okafor hopes for more visitors
