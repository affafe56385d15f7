"""The Mesa agents of the wargame: governments, labs, chipmakers, smugglers and overseas clouds."""

from agents.base import Actor
from agents.chipmaker import Chipmaker
from agents.government import Government
from agents.grey_market import OverseasCloud, Smuggler
from agents.lab import Lab

__all__ = ["Actor", "Chipmaker", "Government", "Lab", "OverseasCloud", "Smuggler"]
