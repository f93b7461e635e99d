# A sentiment classifier: word indices in, 3 classes out (Keras 3).
from keras import Sequential
from keras.layers import LSTM, Bidirectional, Dense, Dropout, Embedding

VOCABULARY = 20000
model = Sequential([
    Embedding(VOCABULARY, 128, input_shape=(100,)),
    Bidirectional(LSTM(64, return_sequences=True)),
    Dropout(0.5),
    LSTM(32),
    Dense(3, activation="softmax"),
])
