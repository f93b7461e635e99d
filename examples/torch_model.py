# A tagger: word indices in, a tag score per word out (PyTorch).
import torch
from torch import nn


class Tagger(nn.Module):
    def __init__(self, vocabulary=5000, embedding=64, hidden=96, tags=17):
        super().__init__()
        self.embed = nn.Embedding(vocabulary, embedding)
        self.lstm = nn.LSTM(embedding, hidden, num_layers=2, batch_first=True, bidirectional=True)
        self.drop = nn.Dropout(0.3)
        self.out = nn.Linear(2 * hidden, tags)

    def forward(self, words):
        x = self.embed(words)
        x, (h_n, c_n) = self.lstm(x)
        return self.out(self.drop(x))
