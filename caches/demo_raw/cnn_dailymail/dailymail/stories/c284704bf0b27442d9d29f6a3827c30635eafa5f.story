By . Daily Mail Reporter . PUBLISHED: . 12:00 EST, 1 April 2015 .

A bridge over the River Corrin that was closed 60 years ago has reopened to walkers and cyclists in Pinecrest.

The repairs were paid for by local people, who raised money by selling glass beads at weekend markets.

Olga Novak, who led the campaign, said the crossing would bring visitors from Westmoor back to the old town.

@highlight

Bridge over the River Corrin reopens after 60 years

@highlight

Repairs in Pinecrest were paid for by local fundraising

@highlight

Campaign leader Olga Novak hopes for more visitors
