"""The words :mod:`blockers` reads a "nothing is blocking me" answer with.

Words are compared lower case with apostrophes removed ("I'm" is "im",
"isn't" is "isnt"). A word belongs here only if it can never, on its own,
name what is blocking someone: a person, a system, a task or a state like
"down" or "broken" must stay outside every set, so that an answer naming
one is a blocker. A few languages are covered as deep as a one-line "no".
"""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words that start a new clause ("no, but waiting on Dave"): the answer is cut there.
CONJUNCTIONS = _words("but and or aber und mais pero maar")

# Words that deny: "no", "nothing", "not", "nobody", and the same in a few languages.
NEGATIONS = _words(
    """
    no none nope nah nay nothing nothin nothings nil null na zero 0 not nobody noone never
    neither nor without isnt arent aint dont doesnt havent hasnt wasnt werent nobodys
    nein keine keiner keinen kein nichts nicht non rien aucun aucune pas nada ninguno ninguna
    ningún nenhum nenhuma não nao nessuno nessuna niente nee geen niets niet
    """
)

# What a blocker is called, or what being blocked is: fine only when negated.
BLOCKERISH = _words(
    """
    blocker blockers blocking blocked block blocks blockage blockages blocks impediment
    impediments issue issues problem problems obstacle obstacles stuck waiting wait waits
    dependency dependencies depending dependent holdup holdups holding hold held concerns
    concern risks risk trouble troubles stopper stoppers showstopper showstoppers worries
    hindrance hindrances
    blockierung probleme problem blocage blocages problème problèmes bloqueo bloqueos
    problemas bloqueio blocco blocchi problemi blokkade blokkades
    """
)

# All is well: "all good", "fine", "resolved" (the follow-up prompt asks "Is it resolved?").
WELL = _words(
    """
    good fine ok okay alright clear great smooth sailing resolved unblocked solved gone
    sorted bien bueno gut tudo bem bom
    """
)

# Words that say nothing either way: pronouns, "today", "so far", "thanks", prepositions.
FILLER = _words(
    """
    i im ive me my mine myself we were our us is are am be been being it its there theres
    this that currently right now today todays so far for at the a an moment atm all yet
    thanks thank you thx ty cheers really just any anything anyone anybody on by from of in
    to with side end here as much major big real known whatsoever again week time
    pretty everything me currently as moment have has had got do does did think know aware
    new report longer anymore any more at the moment from my side that i know of one up back
    either
    heute alles danke merci gracias grazie obrigado obrigada bedankt momentan actuellement
    aujourdhui hoy oggi hoje vandaag de la le les du des el los en y e o
    """
)
